import type SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { benchDisabled } from "../../bench-switches.ts";

const MAX_STATEMENTS = 500;

/**
 * Whether a statement may write: one that answers no rows (INSERT, UPDATE, BEGIN…; SQLite calls a
 * BEGIN read-only) or one that changes the database while answering rows (INSERT … RETURNING, which
 * better-sqlite3 calls a reader).
 */
const mayWrite = (stmt: SQLite.Statement): boolean => !stmt.reader || !stmt.readonly;

/**
 * Kysely prepares every query anew; compiling SQL costs several times what running a keyed lookup
 * does, so statements are kept by SQL text (the read paths use a few dozen shapes). A statement still
 * iterating a stream is busy, so such a caller gets a fresh one. `onWrite` hears of every statement
 * that may write, before it runs (caches keyed on the database's state need to know, and the
 * synchronous level is switched there).
 */
export function withStatementCache(db: SQLite.Database, onWrite: () => void = () => {}): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  const statementFor = (sql: string): SQLite.Statement => {
    const cached = benchDisabled.has("statement-cache") ? undefined : cache.get(sql);
    if (cached && !cached.busy) return cached;
    const stmt = db.prepare(sql);
    if (!cached && !benchDisabled.has("statement-cache")) {
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  return {
    close: () => void db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = statementFor(sql);
      if (mayWrite(stmt)) onWrite();
      return stmt;
    },
  };
}
