import type SQLite from "better-sqlite3";
import { benchDisabled } from "../../../ops/bench-switches.ts";

/**
 * One read transaction for the immediate reads of a turn of the event loop.
 *
 * Each autocommit read in WAL mode takes and drops a read lock on the shared-memory index (two
 * `fcntl` calls and the bookkeeping around them, ~2 µs of a ~9 µs keyed read). The reads that run at
 * once (immediate-reads.ts) come in bursts, every request read in one turn, so the first of a turn
 * opens a read transaction and the turn's end (setImmediate) commits it.
 *
 * What a read can see does not change: the transaction only reads, it opens only when no other
 * transaction is open, and it ends before anything else uses the connection for more than a read:
 * a write, a BEGIN, a change of `synchronous` (end() is called first). Rows committed by another
 * process during the turn are seen from the next turn, as a read that started a moment earlier would
 * have missed them.
 */
export class TurnRead {
  readonly #sqlite: SQLite.Database;
  #open = false;
  #begin: SQLite.Statement | undefined;
  #commit: SQLite.Statement | undefined;
  readonly #endAtTurn = () => this.end();
  /** Turn transactions opened so far (tests look). */
  opened = 0;

  constructor(sqlite: SQLite.Database) {
    this.#sqlite = sqlite;
  }

  /**
   * Before an immediate read: true when it may run now (a turn transaction is open or was just
   * opened), false when a transaction of someone else is open (its rows could still roll back).
   */
  enter(): boolean {
    if (this.#open) return true;
    if (this.#sqlite.inTransaction) return false;
    if (benchDisabled.has("turn-read")) return true;
    (this.#begin ??= this.#sqlite.prepare("BEGIN")).run();
    this.#open = true;
    this.opened++;
    setImmediate(this.#endAtTurn);
    return true;
  }

  /** Ends the turn's read transaction, if open: before any statement that may write or BEGIN. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#sqlite.open && this.#sqlite.inTransaction) (this.#commit ??= this.#sqlite.prepare("COMMIT")).run();
  }

  /** Whether a transaction other than the turn's read is open on the connection. */
  get othersOpen(): boolean {
    return this.#sqlite.inTransaction && !this.#open;
  }
}
