import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../schema.ts";
import { groupCommitOf } from "./group-commit.ts";

/**
 * A transaction whose COMMIT is fsynced: it runs under `synchronous = FULL`, which SQLite only lets
 * change outside a transaction, so the level is set before BEGIN while this one connection is held:
 * Kysely serialises every query of the process over the single better-sqlite3 connection, so no other
 * transaction can start between the switch and this BEGIN, and this one cannot commit under NORMAL.
 * FULL is left on afterwards until an ordinary write needs NORMAL back (SynchronousLevel): consecutive
 * leads skip two pragma statements each, and no ordinary write commits under FULL. Durable
 * transactions asked for together share one COMMIT (GroupCommit).
 */
export function sqliteDurableTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return groupCommitOf(db).run(fn);
}
