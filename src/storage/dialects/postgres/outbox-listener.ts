import pg from "pg";

const CHANNEL = "leadgraph_outbox";
/** Reconnect delays: the first try comes quickly (a terminated backend, a fast failover), then backs off. */
const FIRST_RETRY_MS = 250;
const MOST_RETRY_MS = 10_000;

/**
 * A dedicated connection LISTENing for outbox inserts from any instance (a trigger NOTIFYs on
 * commit). A lost connection is reopened with exponential backoff (jittered, so instances do not
 * reconnect in step after a restart) and LISTENs again; every (re)connection wakes the dispatcher
 * once, which picks up whatever was committed while nobody listened. While it is down the
 * dispatcher's poll covers.
 */
export function listenOutbox(
  url: string,
  onNotify: () => void,
  onError: (e: unknown) => void = () => undefined,
): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const reconnectLater = (c: pg.Client) => {
    // 'error' and a failed connect can both report one client's end: one reconnect per client.
    if (closed || client !== c || retry !== undefined) return;
    client = undefined;
    c.end().catch(() => undefined);
    const base = Math.min(MOST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++);
    retry = setTimeout(
      () => {
        retry = undefined;
        void connect();
      },
      base / 2 + Math.random() * (base / 2),
    );
    retry.unref();
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client = c;
    c.on("notification", () => onNotify());
    c.on("error", (e) => {
      onError(e);
      reconnectLater(c);
    });
    c.on("end", () => reconnectLater(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      failures = 0;
      // Anything committed while we were not listening is picked up by one look now.
      onNotify();
    } catch (e) {
      onError(e);
      reconnectLater(c);
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
