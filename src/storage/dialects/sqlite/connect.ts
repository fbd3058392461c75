import SQLite from "better-sqlite3";
import { Kysely, type Transaction } from "kysely";
import { ImmediateSqliteDialect } from "./immediate-dialect.ts";
import type { Database } from "../../schema.ts";
import { withStatementCache } from "./statement-cache.ts";
import { sqliteGeneration } from "./directory-generation.ts";
import type { GenerationSource } from "../../cache/generation-source.ts";
import { SynchronousLevel } from "./synchronous-level.ts";
import { GroupCommit } from "./group-commit.ts";
import { FaultHandlingDialect } from "../../fault-handling-dialect.ts";
import { DatabaseFaults } from "../../faults.ts";

/**
 * The commit level of ordinary writes. In WAL mode NORMAL survives any process crash; only an OS crash
 * or power loss can drop the last few milliseconds of commits. That is harmless for what commits this
 * way: rate-limit counters (a lost increment lets a few more reads through), token bookkeeping and
 * webhook delivery logs (a lost "delivered" mark means one more delivery, which webhooks allow), and
 * definitions an integrator made through the API and can make again. Leads, acknowledged to a person
 * who will not fill the form twice, commit through the session's durableTransaction (FULL: fsynced at
 * COMMIT; SynchronousLevel switches between the two).
 */
export const SYNCHRONOUS_DEFAULT = "NORMAL";

/**
 * The process's one SQLite connection and everything that depends on it being the only one: the
 * statement cache, the commit level, the directory generation and the group commit. Created by
 * connectSqlite and passed explicitly to whoever needs a part of it; the invariants that hold these
 * parts together are written in README.md beside this file.
 */
export interface SqliteSession {
  db: Kysely<Database>;
  generation: GenerationSource;
  /** Durable transactions of one turn share one fsynced COMMIT (group-commit.ts). */
  group: GroupCommit;
  durableTransaction: <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
}

/** Opens (creating if needed) a SQLite file in WAL mode, tuned for one writer and many readers. */
export function connectSqlite(file: string, faults: DatabaseFaults = new DatabaseFaults()): SqliteSession {
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("cache_size = -65536");
  const level = new SynchronousLevel(sqlite, SYNCHRONOUS_DEFAULT);
  const generation = sqliteGeneration(sqlite);
  const statements = withStatementCache(sqlite, () => {
    level.beforeWrite();
    generation.written();
  });
  // One connection to a local file: nothing to reconnect, so reads are not tried twice.
  const db = new Kysely<Database>({
    dialect: new FaultHandlingDialect(new ImmediateSqliteDialect({ database: statements }), faults, { retryReads: false }),
  });
  const group = new GroupCommit(db, sqlite, level, faults);
  return { db, generation, group, durableTransaction: (fn) => group.run(fn), close: () => db.destroy() };
}
