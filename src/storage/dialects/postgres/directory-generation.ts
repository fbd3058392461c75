import pg from "pg";
import type { GenerationSource } from "../../cache/generation-source.ts";
import type { DirectoryWrites } from "./directory-writes-dialect.ts";
import { DIRECTORY_CHANNEL } from "../../migrations/0014-directory-notify.ts";

/** Reconnect delays: the first try comes quickly (a terminated backend, a fast failover), then backs off. */
const FIRST_RETRY_MS = 250;
const MOST_RETRY_MS = 10_000;

export interface PostgresGenerationOptions {
  /** How often the listening connection proves it is alive (default 1 s). */
  heartbeatMs?: number;
  /**
   * The staleness bound: the cache answers only while a round trip on the listening connection,
   * sent at most this long ago, has come back (default 3 s). Past it the cache reads through.
   */
  maxStalenessMs?: number;
  onError?: (e: unknown) => void;
}

/** Told about this process's own directory writes by DirectoryWritesDialect. */
export interface PostgresGeneration extends GenerationSource, DirectoryWrites {
  /** True while the dedicated connection LISTENs and its last heartbeat is within the bound. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * The directory generation of one PostgreSQL instance: a local number that moves whenever a
 * committed change to a cached table is announced on `leadgraph_directory` (triggers of migration
 * 0014 NOTIFY on every such statement, from any instance, the CLI or hand-run SQL), whenever this
 * process writes the directory itself, and whenever the listening connection is (re)opened.
 *
 * Bounded staleness: PostgreSQL sends a listener every notification committed before it answers a
 * query, so once a heartbeat sent at t has come back, every change committed before t has moved
 * the number. The cache answers only while the last such t is under `maxStalenessMs` old; a lost
 * connection, a hung one or a blocked event loop makes it read through until the connection is
 * back. Listening starts at the first question, so a command that never reads opens no connection.
 */
export function postgresGeneration(url: string, opts: PostgresGenerationOptions = {}): PostgresGeneration {
  const heartbeatMs = opts.heartbeatMs ?? 1_000;
  const maxStalenessMs = opts.maxStalenessMs ?? 3_000;
  const onError = opts.onError ?? (() => undefined);
  let n = 0;
  let client: pg.Client | undefined;
  let listening = false;
  /** When the last heartbeat that came back was sent (performance.now()). */
  let confirmedAt = -Infinity;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let beat: NodeJS.Timeout | undefined;
  let beating = false;
  let failures = 0;
  /** Transactions of this process with an uncommitted directory change. */
  let writing = 0;

  const fresh = () => listening && performance.now() - confirmedAt <= maxStalenessMs;

  const lost = (c: pg.Client) => {
    // 'error', 'end' and a failed query can all report one client's end: handle it once.
    if (closed || client !== c) return;
    client = undefined;
    listening = false;
    n++;
    if (beat) clearInterval(beat);
    beat = undefined;
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

  const heartbeat = (c: pg.Client) => {
    if (beating || client !== c) return;
    beating = true;
    const sent = performance.now();
    // A query that hangs past the bound means the connection cannot be trusted: drop it.
    const hung = setTimeout(() => lost(c), maxStalenessMs);
    hung.unref();
    c.query("select 1")
      .then(
        () => {
          if (client === c) confirmedAt = Math.max(confirmedAt, sent);
        },
        (e: unknown) => {
          onError(e);
          lost(c);
        },
      )
      .finally(() => {
        clearTimeout(hung);
        beating = false;
      });
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: "leadgraph directory listener",
    });
    client = c;
    c.on("notification", () => {
      n++;
    });
    c.on("error", (e) => {
      onError(e);
      lost(c);
    });
    c.on("end", () => lost(c));
    try {
      await c.connect();
      const sent = performance.now();
      await c.query(`LISTEN ${DIRECTORY_CHANNEL}`);
      if (client !== c) return;
      failures = 0;
      // What changed while nobody listened is unknown: everything cached before goes.
      n++;
      confirmedAt = sent;
      listening = true;
      beat = setInterval(() => heartbeat(c), heartbeatMs);
      beat.unref();
    } catch (e) {
      onError(e);
      lost(c);
    }
  };

  return {
    current() {
      if (closed) return undefined;
      if (!started) {
        started = true;
        void connect();
        return undefined;
      }
      return writing === 0 && fresh() ? n : undefined;
    },
    written() {
      n++;
    },
    transactionOpened() {
      writing++;
      n++;
    },
    transactionEnded() {
      writing--;
      n++;
    },
    get listening() {
      return fresh();
    },
    async close() {
      closed = true;
      listening = false;
      if (retry) clearTimeout(retry);
      if (beat) clearInterval(beat);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
