import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { SyncDatabase } from "../../schema.ts";

/** Opens the sync SQLite file in WAL mode; FULL sync so an acknowledged webhook survives power loss too. */
export function connectSqlite(file: string): { db: Kysely<SyncDatabase>; close: () => Promise<void> } {
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 10000");
  const db = new Kysely<SyncDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, close: () => db.destroy() };
}
