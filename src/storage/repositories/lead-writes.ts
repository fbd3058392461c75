import { type Kysely, sql } from "kysely";
import type { LeadEvent, LeadRecord } from "../../domain/model.ts";
import type { Database, LeadsTable } from "../schema.ts";
import { executeShaped } from "../prepared-query.ts";

const toRow = (l: LeadRecord): LeadsTable => ({
  id: l.id,
  form_id: l.formId,
  page_id: l.pageId,
  ad_id: l.adId,
  adset_id: l.adsetId,
  campaign_id: l.campaignId,
  account_id: l.accountId,
  created_time: l.createdTime,
  platform: l.platform,
  is_organic: l.isOrganic ? 1 : 0,
  is_test: l.isTest ? 1 : 0,
  field_data: JSON.stringify(l.fieldData),
  disclaimer_responses: JSON.stringify(l.disclaimerResponses),
  partner_name: l.partnerName,
  retailer_item_id: l.retailerItemId,
  created_by_app_id: l.createdByAppId,
  created_by_user_id: l.createdByUserId,
  submitter_user_id: l.submitterUserId,
  source: l.source,
  external_id: l.externalId,
});

// SQLite caps bound parameters per statement; 20 columns x 400 rows stays well inside it.
const INSERT_CHUNK = 400;

/** Multi-row inserts are kept for the two sizes that recur (one lead, a full chunk), not every remainder. */
const rowsShape = (table: string, rows: number) => (rows === 1 || rows === INSERT_CHUNK ? `${table}:${rows}` : undefined);

/**
 * LeadRepository.insert: the form counters first, so that the same UPDATE that bumps them checks, in
 * the transaction and with the row locked, that the form still takes leads; then the lead rows and the
 * outbox rows. One statement per form and per 400 rows: a single lead is three statements.
 */
export async function insertLeads(
  db: Kysely<Database>, leads: readonly LeadRecord[], events: readonly LeadEvent[] | undefined, opts: { activeFormsOnly?: boolean },
): Promise<{ inactiveForms: string[] }> {
  const perForm = new Map<string, { all: number; organic: number }>();
  for (const l of leads) {
    const c = perForm.get(l.formId) ?? { all: 0, organic: 0 };
    c.all++;
    if (l.isOrganic) c.organic++;
    perForm.set(l.formId, c);
  }
  const inactiveForms: string[] = [];
  for (const [formId, c] of perForm) {
    const params = opts.activeFormsOnly ? [c.all, c.organic, formId, "ACTIVE"] : [c.all, c.organic, formId];
    const result = await executeShaped(db, `forms-counters:${params.length}`, params, () => {
      const update = db.updateTable("forms")
        .set({ leads_count: sql`leads_count + ${c.all}`, organic_leads_count: sql`organic_leads_count + ${c.organic}` })
        .where("id", "=", formId);
      return opts.activeFormsOnly ? update.where("status", "=", "ACTIVE") : update;
    });
    if (Number(result.numAffectedRows ?? 0) === 0) inactiveForms.push(formId);
  }
  if (inactiveForms.length > 0) return { inactiveForms };
  for (let i = 0; i < leads.length; i += INSERT_CHUNK) {
    const rows = leads.slice(i, i + INSERT_CHUNK).map(toRow);
    await executeShaped(db, rowsShape("leads", rows.length), rows.flatMap(Object.values), () => db.insertInto("leads").values(rows));
  }
  for (let i = 0; i < (events?.length ?? 0); i += INSERT_CHUNK) {
    const rows = events!.slice(i, i + INSERT_CHUNK).map((e) => ({
      id: e.id, lead_id: e.leadId, page_id: e.pageId, form_id: e.formId, ad_id: e.adId,
      created_time: e.createdTime, enqueued_at: e.enqueuedAt, fanned_out: 0,
    }));
    await executeShaped(db, rowsShape("lead_events", rows.length), rows.flatMap(Object.values), () => db.insertInto("lead_events").values(rows));
  }
  return { inactiveForms };
}
