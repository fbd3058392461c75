import type { SelectQueryBuilder } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * Row locks make claims safe between instances: `FOR UPDATE SKIP LOCKED` lets each instance take
 * different rows without waiting, and the lease columns keep a batch owned after the transaction
 * (while its POST is in flight) until the lease expires.
 */
export function lockForClaim<O>(q: SelectQueryBuilder<Database, any, O>): SelectQueryBuilder<Database, any, O> {
  return q.forUpdate().skipLocked();
}
