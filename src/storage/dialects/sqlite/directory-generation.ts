import type SQLite from "better-sqlite3";
import type { GenerationSource } from "../../cache/generation-source.ts";

export interface SqliteGeneration extends GenerationSource {
  /** Told by the statement cache whenever this connection runs a statement that may write. */
  written(): void;
}

/**
 * Reads the directory generation straight from the connection, synchronously (a primary-key read,
 * against tens of microseconds for a query through Kysely), and keeps the answer until this
 * connection writes or the event loop turns: one Graph request, whose lookups run in one turn,
 * reads it once, while a change committed by another process is seen from the next turn on.
 * While a transaction is open on the connection the answer could be one that rolls back, so it
 * answers undefined and the cache reads through.
 */
export function sqliteGeneration(sqlite: SQLite.Database): SqliteGeneration {
  let stmt: SQLite.Statement | undefined;
  let kept: number | undefined;
  const forget = () => {
    kept = undefined;
  };
  return {
    current() {
      if (!sqlite.open || sqlite.inTransaction) return undefined;
      if (kept !== undefined) return kept;
      try {
        stmt ??= sqlite.prepare("select n from directory_generation where id = 1").pluck();
        const n = stmt.get() as number | bigint | undefined;
        if (n === undefined) return undefined;
        kept = Number(n);
        setImmediate(forget);
        return kept;
      } catch {
        // Before migrations ran (no table yet): no caching.
        stmt = undefined;
        return undefined;
      }
    },
    written: forget,
  };
}
