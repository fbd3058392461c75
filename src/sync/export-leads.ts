import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
import { neutraliseFormula } from "../contract/formula-cells.ts";
import { rowToLead } from "./lead-row.ts";
import type { StoredLead, SyncStore } from "./storage/sync-store.ts";

const FIXED = [
  "id",
  "created_time",
  "page_id",
  "form_id",
  "ad_id",
  "ad_name",
  "adset_id",
  "adset_name",
  "campaign_id",
  "campaign_name",
  "is_organic",
  "platform",
  "partner_name",
  "retailer_item_id",
] as const;

async function* allLeads(store: SyncStore, filter: { pageId?: string; formId?: string }): AsyncGenerator<StoredLead> {
  let after: { createdTime: number; id: string } | undefined;
  for (;;) {
    const rows = await store.listLeads({ ...filter, limit: 1000, ...(after ? { after } : {}) });
    for (const r of rows) yield r;
    const last = rows[rows.length - 1];
    if (!last || rows.length < 1000) return;
    after = { createdTime: last.created_time, id: last.id };
  }
}

function write(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else {
      out.once("drain", resolve);
      out.once("error", reject);
    }
  });
}

/**
 * Writes every stored lead, newest first. JSONL: one Graph-shaped lead per line. CSV: the fixed
 * attribution columns, then one column per answer name seen (multiple values joined with `|`),
 * then `custom_disclaimer_responses` as JSON. CSV cells a spreadsheet would run as a formula get a
 * leading `'` unless `raw` (byte-exact cells). Returns the number of leads written.
 */
export async function exportLeads(
  store: SyncStore,
  format: "csv" | "jsonl",
  out: Writable,
  filter: { pageId?: string; formId?: string } = {},
  opts: { raw?: boolean } = {},
): Promise<number> {
  let n = 0;
  if (format === "jsonl") {
    for await (const r of allLeads(store, filter)) {
      await write(out, `${JSON.stringify(rowToLead(r))}\n`);
      n += 1;
    }
    return n;
  }
  // Two passes: the answer columns are the union of names across the export.
  const names = new Set<string>();
  for await (const r of allLeads(store, filter)) for (const f of JSON.parse(r.field_data) as { name: string }[]) names.add(f.name);
  const answerCols = [...names];
  const columns = [...FIXED, ...answerCols, "custom_disclaimer_responses"];
  const cell = opts.raw ? (v: string) => v : neutraliseFormula;
  const csv = stringify({ header: true, columns: columns.map((c) => ({ key: c, header: cell(c) })), cast: { string: cell } });
  csv.pipe(out, { end: false });
  const done = new Promise<void>((r, j) => {
    csv.on("end", r);
    csv.on("error", j);
  });
  for await (const r of allLeads(store, filter)) {
    const lead = rowToLead(r);
    const answers = new Map((lead.field_data ?? []).map((f) => [f.name, f.values.join("|")]));
    const rec: Record<string, unknown> = {};
    for (const c of FIXED)
      rec[c] =
        c === "is_organic"
          ? lead.is_organic === undefined
            ? ""
            : lead.is_organic
              ? "1"
              : "0"
          : ((lead as unknown as Record<string, unknown>)[c] ?? "");
    for (const c of answerCols) rec[c] = answers.get(c) ?? "";
    rec.custom_disclaimer_responses = lead.custom_disclaimer_responses ? JSON.stringify(lead.custom_disclaimer_responses) : "";
    if (!csv.write(rec)) await new Promise((res) => csv.once("drain", res));
    n += 1;
  }
  csv.end();
  await done;
  return n;
}
