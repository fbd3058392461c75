import type SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { ROWS_AS_ARRAYS } from "../../array-rows.ts";
import type { ImmediateRead } from "../../immediate-reads.ts";
import type { TurnRead } from "./turn-read.ts";

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
 * synchronous level is switched there). Immediate reads share the turn's read transaction (TurnRead),
 * which ends before any statement that may write.
 */
export function withStatementCache(db: SQLite.Database, turn: TurnRead, onWrite: () => void = () => {}): SqliteDatabase & { readNow: ImmediateRead } {
  const cache = new Map<string, SQLite.Statement>();
  const statementFor = (sql: string): SQLite.Statement => {
    const cached = cache.get(sql);
    if (cached && !cached.busy) return cached;
    const stmt = db.prepare(sql);
    if (stmt.reader && sql.startsWith(ROWS_AS_ARRAYS)) stmt.raw(true);
    if (!cached) {
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  return {
    readNow(sql, parameters) {
      const stmt = statementFor(sql);
      // Only what cannot write runs here, and only outside others' transactions (enter() says); a
      // write (INSERT … RETURNING included) keeps Kysely's order.
      if (mayWrite(stmt) || !turn.enter()) return undefined;
      return stmt.all(...parameters);
    },
    close: () => void db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = statementFor(sql);
      if (mayWrite(stmt)) {
        // A write or a BEGIN must not join the turn's read transaction (its commit would wait for the turn).
        turn.end();
        onWrite();
      }
      return stmt;
    },
  };
}
