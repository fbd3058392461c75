import type SQLite from "better-sqlite3";

/**
 * The connection's `synchronous` level, switched only when it has to change. A durable transaction
 * must commit under FULL; every other write is meant to commit under the default (NORMAL; why in
 * connect.ts). Switching both ways around every lead cost two statements (~15 µs) per lead, so FULL
 * stays on after a durable transaction and the default comes back just before the next write that is
 * not durable: leads arriving one after another switch nothing.
 *
 * SQLite refuses to change the level inside a transaction, so both switches happen outside one: FULL
 * before a durable BEGIN, the default before an ordinary BEGIN or a write in autocommit (whose implicit
 * commit it governs). Both are called while the caller holds the process's single connection (a
 * durable transaction holds it; a statement runs on it), so nothing else runs between a switch and the
 * statement it is for.
 */
export class SynchronousLevel {
  readonly #sqlite: SQLite.Database;
  readonly #defaultLevel: string;
  #full = false;
  #inDurable = false;

  constructor(sqlite: SQLite.Database, defaultLevel: string) {
    this.#sqlite = sqlite;
    this.#defaultLevel = defaultLevel;
    sqlite.pragma(`synchronous = ${defaultLevel}`);
  }

  /** Before a durable transaction's BEGIN: FULL, for every statement until leaveDurable(). */
  enterDurable(): void {
    if (!this.#full) {
      this.#sqlite.pragma("synchronous = FULL");
      this.#full = true;
    }
    this.#inDurable = true;
  }

  /** After a durable transaction ended (committed or not); FULL stays until beforeWrite() needs the default. */
  leaveDurable(): void {
    this.#inDurable = false;
  }

  /**
   * Before every statement that may write (the statement cache calls it). Outside a durable
   * transaction, the default is restored before a BEGIN or an autocommit write; inside an ordinary
   * transaction it is already in force, because that transaction's BEGIN passed here.
   */
  beforeWrite(): void {
    if (this.#full && !this.#inDurable && !this.#sqlite.inTransaction) {
      this.#sqlite.pragma(`synchronous = ${this.#defaultLevel}`);
      this.#full = false;
    }
  }
}
