import type { AccessPolicy } from "../access/policy.ts";
import type { Caller } from "../access/caller.ts";
import type { KeysetPosition } from "../cursor.ts";
import type { AdAttribution, FormRecord } from "../model.ts";
import type { Store } from "../ports.ts";
import type { ExportRange } from "./export-range.ts";
import { ExportRowBuilder } from "./export-row.ts";
import type { ExportLead } from "./export-source.ts";

export interface LeadExportSource {
  store: Store;
  policy: AccessPolicy;
  caller: Caller;
}

/**
 * Rows read per query. Each query is one short synchronous step on SQLite's single connection, so
 * this also bounds how long an export can keep other requests waiting; 2,000 rows already make the
 * per-query cost a rounding error next to the per-row work.
 */
export const EXPORT_CHUNK = 2000;

/**
 * The export's rows in batches, header first, newest lead first, read in keyset-paged chunks so
 * memory stays bounded however many leads the range holds. A pull-based generator: nothing is read
 * until the consumer asks for the next batch, which is how backpressure reaches the database.
 */
export async function* leadExportRows(
  src: LeadExportSource,
  form: FormRecord,
  range: ExportRange,
  chunk = EXPORT_CHUNK,
): AsyncGenerator<string[][]> {
  const rows = new ExportRowBuilder(form);
  yield [rows.columns.header];
  const ads = new VisibleAds(src);
  let olderThan: KeysetPosition | undefined;
  for (;;) {
    const leads = await src.store.leadExport.chunk({
      formId: form.id,
      fromTime: range.from,
      beforeTime: range.to + 1,
      limit: chunk,
      ...(olderThan ? { olderThan } : {}),
    });
    if (leads.length === 0) return;
    await ads.resolve(leads);
    const visible = await visibleLeads(src, leads);
    const batch: string[][] = [];
    for (let i = 0; i < leads.length; i++) {
      if (!visible[i]) continue;
      const lead = leads[i]!;
      batch.push(rows.row(lead, lead.adId === null || lead.isTest ? undefined : ads.get(lead.adId)));
    }
    if (batch.length > 0) yield batch;
    if (leads.length < chunk) return;
    const last = leads[leads.length - 1]!;
    olderThan = { t: last.createdTime, id: last.id };
  }
}

/**
 * AccessPolicy.leadVisible for each lead of a chunk. The answer depends only on the caller and the
 * fields the policy is given, so leads sharing them (typically all of a chunk) share one call; the
 * memo lives for one chunk, which keeps it bounded.
 */
async function visibleLeads(src: LeadExportSource, leads: readonly ExportLead[]): Promise<boolean[]> {
  const memo = new Map<string, boolean>();
  const out = new Array<boolean>(leads.length);
  for (let i = 0; i < leads.length; i++) {
    const l = leads[i]!;
    // Most leads have neither submitter nor creator: one constant key, no string built per row.
    const key =
      l.submitterUserId === null && l.createdByUserId === null
        ? l.isTest
          ? "t"
          : ""
        : `${l.isTest ? "t" : ""}\u0000${l.submitterUserId ?? ""}\u0000${l.createdByUserId ?? ""}`;
    let v = memo.get(key);
    if (v === undefined) {
      // createdByUserId too, as the Graph reads pass whole lead records: the Meta policy uses it for test leads.
      const subject = { submitterUserId: l.submitterUserId, isTest: l.isTest, createdByUserId: l.createdByUserId };
      v = await src.policy.leadVisible(src.caller, subject);
      memo.set(key, v);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Ad, ad set and campaign names per ad, looked up once per export (a form has few ads), with the
 * requester's advertiser privilege on each ad account applied once per account: an ad the caller
 * may not see ads of is remembered as undefined, which empties the row's ad columns.
 */
class VisibleAds {
  readonly #src: LeadExportSource;
  readonly #ads = new Map<string, AdAttribution | undefined>();
  readonly #accounts = new Map<string, boolean>();

  constructor(src: LeadExportSource) {
    this.#src = src;
  }

  get(adId: string): AdAttribution | undefined {
    return this.#ads.get(adId);
  }

  async resolve(leads: readonly ExportLead[]): Promise<void> {
    const missing = new Set<string>();
    for (const l of leads) if (l.adId !== null && !l.isTest && !this.#ads.has(l.adId)) missing.add(l.adId);
    if (missing.size === 0) return;
    const found = await this.#src.store.directory.attributions([...missing]);
    for (const adId of missing) {
      const ad = found.get(adId);
      this.#ads.set(adId, ad && (await this.#accountVisible(ad.accountId)) ? ad : undefined);
    }
  }

  async #accountVisible(accountId: string): Promise<boolean> {
    let visible = this.#accounts.get(accountId);
    if (visible === undefined) {
      visible = await this.#src.policy.adFieldsVisible(this.#src.caller, accountId);
      this.#accounts.set(accountId, visible);
    }
    return visible;
  }
}
