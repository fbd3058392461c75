import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../../schema.ts";

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  idleTimeoutMs?: number;
}

// int8 columns hold unix seconds and counters, all far below 2^53, so they are read as numbers.
// Ids are text columns and never pass through this parser.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text"),
};

export function connectPostgres(opts: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool; close: () => Promise<void> } {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: opts.idleTimeoutMs ?? 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    types,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
