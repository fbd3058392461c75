import { type Kysely, type Transaction } from "kysely";
import type { ChargeRequest } from "../../../domain/rate-limit/usage-store.ts";
import { PreparedQuery } from "../../prepared-query.ts";
import { type ChargeLimit, type ChargeRow, chargeStatement } from "../../repositories/lead-usage-charge.ts";
import type { Database } from "../../schema.ts";

const charges: Record<ChargeLimit, PreparedQuery<ChargeRequest, ChargeRow>> = {
  trusted: new PreparedQuery((db, param) => chargeStatement(db, param, "trusted")),
  exact: new PreparedQuery((db, param) => chargeStatement(db, param, "exact")),
};

/**
 * One statement is one atomic step on SQLite (it holds the write lock from reading the window to
 * its upsert), so a charge needs no transaction; other processes on the file wait on the lock.
 * Most charges fit the trusted part of the cached budget: one statement that counts no leads; one
 * that does not is decided again against the counted budget.
 */
export async function charge(db: Kysely<Database>, r: ChargeRequest): Promise<number | undefined> {
  for (const limit of ["trusted", "exact"] as const) {
    const row = (await charges[limit].execute(db, r)).rows[0];
    if (row !== undefined) return Number(row.used);
  }
  return undefined;
}

/** Inside a transaction begun immediate the write lock is already held: nothing more to take. */
export async function lockPage(_trx: Transaction<Database>, _pageId: string): Promise<void> {}
