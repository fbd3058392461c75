import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * One statement is one atomic step on SQLite (it holds the write lock from its window sum to its
 * upsert), so a charge needs no explicit transaction; other processes on the file wait on the lock.
 */
export function serialiseCharge<T>(db: Kysely<Database>, _pageId: string, charge: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return charge(db);
}

/** SQLite evaluates RETURNING subqueries after the row's change: the window sum includes the charge. */
export function usedAfterCharge(pageId: string, fromBucket: number, _calls: number): RawBuilder<number> {
  return sql<number>`(select sum(calls) from lead_rate_usage where page_id = ${pageId} and bucket >= ${fromBucket})`;
}
