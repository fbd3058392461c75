import type { SelectQueryBuilder } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * SQLite has one writer: the claiming transaction itself excludes every other claimer, so there
 * is no row lock to take; the lease columns keep a batch owned while its POST is in flight.
 */
export function lockForClaim<O>(q: SelectQueryBuilder<Database, any, O>): SelectQueryBuilder<Database, any, O> {
  return q;
}
