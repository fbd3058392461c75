import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../schema.ts";
import { SYNCHRONOUS_DEFAULT } from "./connect.ts";

/**
 * A transaction whose COMMIT is fsynced: `synchronous = FULL` for its duration, the connection's
 * default (NORMAL, no fsync at commit in WAL mode) again afterwards.
 *
 * SQLite refuses to change the level inside a transaction, so it is set before BEGIN and reset after
 * COMMIT, all while this one connection is held: Kysely serialises every query of the process over
 * the single better-sqlite3 connection, so no other transaction can commit between the two pragmas
 * (none is lost to FULL's cost) and this one cannot commit under NORMAL. That hold plays the part of
 * an in-flight counter; there is nothing concurrent to count.
 */
// Built once: they run around every lead's transaction.
const FULL = CompiledQuery.raw("pragma synchronous = FULL");
const DEFAULT = CompiledQuery.raw(`pragma synchronous = ${SYNCHRONOUS_DEFAULT}`);

export function sqliteDurableTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await conn.executeQuery(FULL);
    try {
      return await conn.transaction().execute(fn);
    } finally {
      await conn.executeQuery(DEFAULT);
    }
  });
}
