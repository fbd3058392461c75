import type SQLite from "better-sqlite3";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../schema.ts";
import type { SynchronousLevel } from "./synchronous-level.ts";
import type { DatabaseFaults } from "../../faults.ts";

type Body = (trx: Transaction<Database>) => Promise<unknown>;

interface Waiting {
  body: Body;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Bounds how long the first body of a group waits for the last one's work before its commit. */
export const MOST_BODIES_PER_COMMIT = 64;

/**
 * Group commit for durable transactions on the process's one SQLite connection.
 *
 * better-sqlite3 fsyncs on the event loop: while one lead's COMMIT waits for the disk (~0.4 ms), the
 * requests of other visitors queue up in the sockets. Committing each of them on its own makes every
 * lead pay a whole fsync; here the durable transactions asked for in the same turn of the event loop
 * (all the requests the poll phase just read) run one after another in one transaction and share its
 * fsynced COMMIT, as PostgreSQL's group commit shares a WAL flush between backends.
 *
 * What each caller sees is unchanged:
 *  - its promise resolves only after the COMMIT that holds its writes returned (fsynced, FULL);
 *  - its body runs alone on the connection, after the bodies before it in the group, as it would have
 *    after their separate commits;
 *  - a body that throws is undone to its own SAVEPOINT and only its caller gets the error;
 *  - if the transaction itself is lost (COMMIT fails, or an error SQLite answers by rolling the whole
 *    transaction back, such as SQLITE_FULL), every caller whose body ran in it gets the error: none
 *    of them is reported durable.
 */
export class GroupCommit {
  /** The connection's level switch (the ingest benchmark holds it at FULL for its raw baseline). */
  readonly level: SynchronousLevel;
  readonly #db: Kysely<Database>;
  readonly #sqlite: SQLite.Database;
  readonly #faults: DatabaseFaults;
  #waiting: Waiting[] = [];
  #scheduled = false;
  /** Fsynced commits so far and the bodies they held (for tests and the ingest benchmark). */
  readonly stats = { commits: 0, bodies: 0 };

  constructor(db: Kysely<Database>, sqlite: SQLite.Database, level: SynchronousLevel, faults: DatabaseFaults) {
    this.#db = db;
    this.#faults = faults;
    this.#sqlite = sqlite;
    this.level = level;
  }

  run<T>(body: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ body, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const ran: { waiting: Waiting; value: unknown }[] = [];
    let lost: { waiting: Waiting; error: unknown } | undefined;
    let taken = 0;
    try {
      await this.#db.connection().execute(async (conn) => {
        // An earlier flush that waited for the connection may have taken everything.
        if (this.#waiting.length === 0) return;
        // SQLite changes `synchronous` only outside a transaction: FULL is set before BEGIN, while
        // this flush holds the process's one connection, so nothing can commit under NORMAL between.
        this.level.enterDurable();
        try {
          await conn.transaction().execute(async (trx) => {
            for (let w = this.#waiting.shift(); w; w = taken < MOST_BODIES_PER_COMMIT ? this.#waiting.shift() : undefined) {
              taken++;
              try {
                this.#sqlite.exec("SAVEPOINT leadgraph_durable");
                const value = await w.body(trx);
                this.#sqlite.exec("RELEASE leadgraph_durable");
                ran.push({ waiting: w, value });
              } catch (error) {
                if (!this.#undoBody()) {
                  lost = { waiting: w, error };
                  throw error;
                }
                w.reject(error);
              }
            }
          });
          this.stats.commits++;
          this.stats.bodies += ran.length;
        } finally {
          this.level.leaveDurable();
        }
      });
    } catch (raw) {
      // SAVEPOINT and RELEASE run on the handle, not through Kysely: their faults are translated here.
      const error = this.#faults.translate(raw, "durable commit");
      if (lost) lost.error = this.#faults.translate(lost.error, "durable commit");
      // Nothing in this transaction was committed: no caller may be told its writes are durable.
      if (lost) lost.waiting.reject(lost.error);
      for (const r of ran) r.waiting.reject(lost ? lost.error : error);
      // A failure before any body ran (BEGIN timed out on another process's lock, the handle is
      // closed) fails everyone waiting, as it would have failed each of their own transactions.
      if (taken === 0) for (const w of this.#waiting.splice(0)) w.reject(error);
      this.#schedule();
      return;
    }
    for (const r of ran) r.waiting.resolve(r.value);
    // Bodies past the group's bound, or that arrived while it waited for the connection, commit next.
    this.#schedule();
  }

  /** A flush of what waits, once per turn: setImmediate runs after the poll phase, when every request read in the turn has asked. */
  #schedule(): void {
    if (this.#waiting.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    }
  }

  /** Undoes a failed body's writes; false when SQLite already rolled the whole transaction back. */
  #undoBody(): boolean {
    if (!this.#sqlite.inTransaction) return false;
    try {
      this.#sqlite.exec("ROLLBACK TO leadgraph_durable; RELEASE leadgraph_durable");
      return true;
    } catch {
      return false;
    }
  }
}
