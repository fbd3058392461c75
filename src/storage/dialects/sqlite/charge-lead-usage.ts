import type { Transaction } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * One statement is one atomic step on SQLite (it holds the write lock from reading the window to
 * its upsert), so the common charge needs no transaction; other processes on the file wait on the
 * lock.
 */
export const CHARGE_IS_ONE_STEP = true;

/** Inside a transaction begun immediate the write lock is already held: nothing more to take. */
export async function lockPage(_trx: Transaction<Database>, _pageId: string): Promise<void> {}
