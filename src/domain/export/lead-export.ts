import type { AccessPolicy } from "../access/policy.ts";
import type { Caller } from "../access/caller.ts";
import type { KeysetPosition } from "../cursor.ts";
import type { AdAttribution, FormRecord } from "../model.ts";
import type { Store } from "../ports.ts";
import type { ExportRange } from "./export-range.ts";
import { exportColumns, exportRow } from "./export-row.ts";

export interface LeadExportSource {
  store: Store;
  policy: AccessPolicy;
  caller: Caller;
}

/** Rows read per query: big enough to amortise a round trip, small enough to keep memory flat. */
export const EXPORT_CHUNK = 1000;

/**
 * The export's rows in batches, header first, newest lead first, read in keyset-paged chunks so
 * memory stays bounded however many leads the range holds. A pull-based generator: nothing is read
 * until the consumer asks for the next batch, which is how backpressure reaches the database.
 */
export async function* leadExportRows(src: LeadExportSource, form: FormRecord, range: ExportRange, chunk = EXPORT_CHUNK): AsyncGenerator<string[][]> {
  const cols = exportColumns(form);
  yield [cols.header];
  const visibleAccounts = new Map<string, boolean>();
  let olderThan: KeysetPosition | undefined;
  for (;;) {
    const leads = await src.store.leads.list({
      formId: form.id, fromTime: range.from, beforeTime: range.to + 1, limit: chunk, ...(olderThan ? { olderThan } : {}),
    });
    if (leads.length === 0) return;
    const adIds = [...new Set(leads.filter((l) => l.adId !== null && !l.isTest).map((l) => l.adId!))];
    const attributions = adIds.length > 0 ? await src.store.directory.attributions(adIds) : new Map<string, AdAttribution>();
    const batch: string[][] = [];
    for (const lead of leads) {
      if (!(await src.policy.leadVisible(src.caller, lead))) continue;
      let ad = lead.adId === null || lead.isTest ? undefined : attributions.get(lead.adId);
      if (ad) {
        let visible = visibleAccounts.get(ad.accountId);
        if (visible === undefined) {
          visible = await src.policy.adFieldsVisible(src.caller, ad.accountId);
          visibleAccounts.set(ad.accountId, visible);
        }
        if (!visible) ad = undefined;
      }
      batch.push(exportRow(cols, form, lead, ad));
    }
    if (batch.length > 0) yield batch;
    if (leads.length < chunk) return;
    const last = leads[leads.length - 1]!;
    olderThan = { t: last.createdTime, id: last.id };
  }
}
