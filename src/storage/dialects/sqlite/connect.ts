import SQLite from "better-sqlite3";
import { Kysely } from "kysely";
import { ImmediateSqliteDialect } from "./immediate-dialect.ts";
import type { Database } from "../../schema.ts";
import { withStatementCache } from "./statement-cache.ts";
import { sqliteGeneration } from "./directory-generation.ts";
import type { GenerationSource } from "../../cache/generation-source.ts";

/** Opens (creating if needed) a SQLite file in WAL mode, tuned for one writer and many readers. */
export function connectSqlite(file: string): { db: Kysely<Database>; close: () => Promise<void>; generation: GenerationSource } {
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("cache_size = -65536");
  const generation = sqliteGeneration(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite, generation.written) }) });
  return { db, close: () => db.destroy(), generation };
}
