import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../../schema.ts";
import { FaultHandlingDialect } from "../../fault-handling-dialect.ts";
import { DatabaseFaults } from "../../faults.ts";
import { type DirectoryWrites, DirectoryWritesDialect } from "./directory-writes-dialect.ts";
import { StatementNames, namingClient } from "./named-statements.ts";

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Off behind a pooler that hands one connection to many clients (PgBouncer before 1.21 in transaction mode). */
  preparedStatements?: boolean;
}

/** Texts named per pool: each connection keeps a plan for every name it has run. */
const MAX_NAMED_STATEMENTS = 256;

// int8 columns hold unix seconds and counters, all far below 2^53, so they are read as numbers.
// Ids are text columns and never pass through this parser.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)),
};

const unwatched: DirectoryWrites = { written: () => undefined, transactionOpened: () => undefined, transactionEnded: () => undefined };

/** `directoryWrites` is told when a statement of this process changes a cached directory table. */
export function connectPostgres(
  opts: PostgresOptions,
  faults: DatabaseFaults = new DatabaseFaults(),
  directoryWrites: DirectoryWrites = unwatched,
): { db: Kysely<Database>; pool: pg.Pool; close: () => Promise<void> } {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: opts.idleTimeoutMs ?? 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    types,
    ...(opts.preparedStatements === false ? {} : { Client: namingClient(new StatementNames(MAX_NAMED_STATEMENTS)) }),
  });
  // A client losing its connection emits 'error', and an 'error' nobody listens to ends the process.
  // The pool listens only while a client is idle (and then replaces it); a client in use would have
  // no listener, so every client gets one for its whole life. The query it was running, if any,
  // fails on its own and reaches its caller; the pool drops the dead client when it is released.
  pool.on("error", () => undefined); // reported by the client's own listener below
  pool.on("connect", (client) => client.on("error", (e) => faults.observe(e, "connection")));
  const db = new Kysely<Database>({
    dialect: new FaultHandlingDialect(new DirectoryWritesDialect(new PostgresDialect({ pool }), directoryWrites), faults, {
      retryReads: true,
    }),
  });
  return { db, pool, close: () => db.destroy() };
}
