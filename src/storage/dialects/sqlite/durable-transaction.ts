import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../schema.ts";
import { groupCommitOf } from "./group-commit.ts";

/**
 * A transaction whose COMMIT is fsynced (`synchronous = FULL`); those asked for together share one
 * COMMIT. GroupCommit does both; SynchronousLevel switches the level.
 */
export function sqliteDurableTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return groupCommitOf(db).run(fn);
}
