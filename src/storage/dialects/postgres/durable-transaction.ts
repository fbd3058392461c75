import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * PostgreSQL's COMMIT already waits for the WAL flush (`synchronous_commit = on`, the default, which
 * leadgraph never lowers), so a durable transaction is an ordinary one.
 */
export function postgresDurableTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
