import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { SyncDatabase } from "../../schema.ts";

const STATEMENT_CACHE = 64;

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
  // Kysely prepares every query anew; the sync service repeats a handful of statements (a page of
  // leads is always the same multi-row insert), and preparing a 2,000-parameter insert per page was
  // a large share of catch-up time. The service never streams (iterate), so a statement is never
  // busy when it is reused.
  const cache = new Map<string, SQLite.Statement>();
  const database = {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<SyncDatabase>({ dialect: new SqliteDialect({ database }) });
  return { db, close: () => db.destroy() };
}
