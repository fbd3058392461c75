import type { Transaction } from "kysely";
import type { Database } from "../../schema.ts";

/**
 * Under READ COMMITTED two concurrent statements would both see the old window, so a charge runs in
 * a transaction holding the page's row lock: charges of one page are serialised across instances.
 */
export const CHARGE_IS_ONE_STEP = false;

/** Takes the page's row lock (upserting its `lead_rate_pages` row) until the transaction ends. */
export async function lockPage(trx: Transaction<Database>, pageId: string): Promise<void> {
  await trx
    .insertInto("lead_rate_pages")
    .values({ page_id: pageId, forced_until: null })
    .onConflict((oc) => oc.column("page_id").doUpdateSet({ page_id: (eb) => eb.ref("excluded.page_id") }))
    .execute();
}
