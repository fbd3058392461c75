import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { SyncDatabase } from "../../schema.ts";

/**
 * Opens the sync SQLite file in WAL mode. synchronous=NORMAL survives any process crash; an OS crash
 * or power loss can only drop a suffix of the latest transactions, leaving an earlier consistent
 * state (checkpoints travel with their leads) that the next reconciliation pass completes again,
 * acknowledged webhooks included. FULL would halve bulk catch-up speed for no lasting gain.
 */
export function connectSqlite(file: string): { db: Kysely<SyncDatabase>; close: () => Promise<void> } {
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 10000");
  const db = new Kysely<SyncDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, close: () => db.destroy() };
}
