import pg from "pg";

const CHANNEL = "leadgraph_outbox";

/**
 * A dedicated connection LISTENing for outbox inserts from any instance (a trigger NOTIFYs on
 * commit). Reconnects after a lost connection; while it is down the dispatcher's poll covers.
 */
export function listenOutbox(url: string, onNotify: () => void, onError: (e: unknown) => void = () => undefined): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on("notification", () => onNotify());
    c.on("error", (e) => {
      onError(e);
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      // Anything committed while we were not listening is picked up by one look now.
      onNotify();
    } catch (e) {
      onError(e);
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
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
