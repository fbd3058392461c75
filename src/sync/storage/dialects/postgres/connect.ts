import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { SyncDatabase } from "../../schema.ts";

// bigint columns hold unix times (s and ms), far below 2^53, so they are read as numbers.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)),
};

/** A small pool: the sync service is one writer with a few concurrent fetches. */
export function connectPostgres(url: string): { db: Kysely<SyncDatabase>; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000, types });
  // A client losing its connection emits 'error'; unheard, that ends the process. The pool listens
  // only while a client is idle, so each client listens for its whole life: the query it was running
  // fails on its own (the sync service retries it) and the pool drops the client on release.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<SyncDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}
