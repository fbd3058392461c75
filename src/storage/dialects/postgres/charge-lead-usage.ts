import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * Under READ COMMITTED two concurrent statements would both see the old window sum, so a charge
 * first takes the page's row lock (upserting its `lead_rate_pages` row) and runs the conditional
 * upsert while holding it: charges of one page are serialised across every instance.
 */
export function serialiseCharge<T>(db: Kysely<Database>, pageId: string, charge: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto("lead_rate_pages").values({ page_id: pageId, forced_until: null })
      .onConflict((oc) => oc.column("page_id").doUpdateSet({ page_id: (eb) => eb.ref("excluded.page_id") }))
      .execute();
    return charge(trx);
  });
}

/** PostgreSQL's RETURNING subqueries see the statement's starting snapshot: add the charge to it. */
export function usedAfterCharge(_pageId: string, _fromBucket: number, calls: number): RawBuilder<number> {
  return sql<number>`((select used from w) + ${calls})`;
}
