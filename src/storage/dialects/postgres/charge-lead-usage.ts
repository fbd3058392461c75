import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * Under READ COMMITTED two concurrent statements would both see the old window, so a charge first
 * takes the page's row lock (upserting its `lead_rate_pages` row) and runs the conditional upsert
 * while holding it: charges of one page are serialised across every instance.
 */
export function serialiseCharge<T>(db: Kysely<Database>, pageId: string, charge: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockPage(trx, pageId);
    return charge(trx);
  });
}

/** Takes the page's row lock until the transaction ends. */
export async function lockPage(trx: Transaction<Database>, pageId: string): Promise<void> {
  await trx.insertInto("lead_rate_pages").values({ page_id: pageId, forced_until: null })
    .onConflict((oc) => oc.column("page_id").doUpdateSet({ page_id: (eb) => eb.ref("excluded.page_id") }))
    .execute();
}
