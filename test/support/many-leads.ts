import type { LeadRecord } from "../../src/domain/model.ts";
import type { Store } from "../../src/domain/ports.ts";
import { leadRecord } from "./lead-records.ts";

/** Form 8001 of the example and bench worlds, with the ad (7001) its non-organic leads come from. */
export const FORM_8001_WITH_AD = {
  formId: "8001",
  pageId: "3001",
  adId: "7001",
  adsetId: "6001",
  campaignId: "5001",
  accountId: "act_4001",
} as const;

/**
 * Writes `count` leads for one form straight through the lead repository in large batches (no
 * per-lead validation, no outbox rows): a fast way to build big datasets for memory tests and
 * benchmarks. Every fourth lead is organic; the rest come from `adId`.
 */
export async function insertManyLeads(
  store: Store,
  opts: {
    formId: string;
    pageId: string;
    adId: string;
    adsetId: string;
    campaignId: string;
    accountId: string;
    count: number;
    newest: number;
    spacingSeconds?: number;
    idBase?: bigint;
  },
  onProgress?: (done: number) => void,
): Promise<void> {
  const batch = 4000;
  const spacing = opts.spacingSeconds ?? 5;
  const base = opts.idBase ?? 50_000_000_000n;
  for (let start = 0; start < opts.count; start += batch) {
    const leads: LeadRecord[] = [];
    for (let i = start; i < Math.min(start + batch, opts.count); i++) {
      const organic = i % 4 === 0;
      leads.push(
        leadRecord(String(base + BigInt(i)), opts.newest - Math.floor(i * spacing), {
          formId: opts.formId,
          pageId: opts.pageId,
          adId: organic ? null : opts.adId,
          adsetId: organic ? null : opts.adsetId,
          campaignId: organic ? null : opts.campaignId,
          accountId: organic ? null : opts.accountId,
          platform: i % 3 === 0 ? "ig" : "fb",
          isOrganic: organic,
          fieldData: [
            { name: "full_name", values: [`Person ${i}, "the ${i % 7}th"`] },
            { name: "email", values: [`person${i}@example.com`] },
            { name: "car_make", values: [i % 2 === 0 ? "honda" : "kia"] },
          ],
          disclaimerResponses: [{ checkbox_key: "optional_1", is_checked: i % 2 === 0 ? "1" : "" }],
        }),
      );
    }
    await store.transaction((tx) => tx.leads.insert(leads));
    onProgress?.(Math.min(start + batch, opts.count));
  }
}
