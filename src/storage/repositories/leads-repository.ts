import { type Kysely, type Selectable, sql } from "kysely";
import type { KeysetPosition } from "../../domain/cursor.ts";
import type { LeadEvent, LeadRecord, LeadSource } from "../../domain/model.ts";
import type { LeadListQuery, LeadRepository } from "../../domain/ports.ts";
import type { Database, LeadsTable } from "../schema.ts";
import { PreparedQuery } from "../prepared-query.ts";
import { insertLeads, type LeadCommit } from "./lead-writes.ts";
import { LEAD_COLUMNS } from "./lead-columns.ts";

type LeadRow = Selectable<LeadsTable>;

/** A lead row as the domain's record (PostgreSQL answers bigint columns as strings, hence Number()). */
const toRecord = (row: LeadRow): LeadRecord => ({
  id: row.id,
  formId: row.form_id,
  pageId: row.page_id,
  adId: row.ad_id,
  adsetId: row.adset_id,
  campaignId: row.campaign_id,
  accountId: row.account_id,
  createdTime: Number(row.created_time),
  platform: row.platform,
  isOrganic: Number(row.is_organic) === 1,
  isTest: Number(row.is_test) === 1,
  fieldData: JSON.parse(row.field_data) as LeadRecord["fieldData"],
  disclaimerResponses: JSON.parse(row.disclaimer_responses) as LeadRecord["disclaimerResponses"],
  partnerName: row.partner_name,
  retailerItemId: row.retailer_item_id,
  createdByAppId: row.created_by_app_id,
  createdByUserId: row.created_by_user_id,
  submitterUserId: row.submitter_user_id,
  source: row.source as LeadSource,
  externalId: row.external_id,
});

const leadById = new PreparedQuery<{ id: string }, LeadRow>((db, param) =>
  db.selectFrom("leads").select(LEAD_COLUMNS).where("id", "=", param("id")).compile(),
);
// Asked on every test-lead creation (one test lead per form at a time). `is_test = 1` is written
// into the SQL, not bound, so that the partial index of test leads (migration 0016) matches it.
export const testLeadsOfForm = new PreparedQuery<{ formId: string }, LeadRow>((db, param) =>
  db
    .selectFrom("leads")
    .select(LEAD_COLUMNS)
    .where("form_id", "=", param("formId"))
    .where("is_test", "=", sql.lit(1))
    .orderBy("created_time", "desc")
    .compile(),
);

export class KyselyLeadRepository implements LeadRepository {
  readonly #db: Kysely<Database>;
  readonly #commit: LeadCommit;

  /** `commit` writes leads outside a transaction as one durable unit (the dialect's best way). */
  constructor(db: Kysely<Database>, commit: LeadCommit) {
    this.#db = db;
    this.#commit = commit;
  }

  async get(id: string): Promise<LeadRecord | undefined> {
    const row = (await leadById.execute(this.#db, { id })).rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async getMany(ids: readonly string[]): Promise<LeadRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom("leads")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    return rows.map(toRecord);
  }

  async list(q: LeadListQuery): Promise<LeadRecord[]> {
    const ascending = q.newerThan !== undefined;
    // Below a cursor already under the filter's upper bound, that bound is implied; keeping both
    // upper bounds makes SQLite seek the index at the filter's and walk down to the cursor.
    const implied = q.olderThan !== undefined && q.beforeTime !== undefined && q.olderThan.t < q.beforeTime;
    let query = this.#filtered(implied ? { ...q, beforeTime: undefined } : q).select(LEAD_COLUMNS);
    if (q.olderThan) query = query.where(olderThan(q.olderThan));
    if (q.newerThan) query = query.where(newerThan(q.newerThan));
    const dir = ascending ? "asc" : "desc";
    const rows = await query.orderBy("created_time", dir).orderBy("id", dir).limit(q.limit).execute();
    if (ascending) rows.reverse();
    return rows.map(toRecord);
  }

  async count(q: Omit<LeadListQuery, "limit" | "olderThan" | "newerThan">): Promise<number> {
    const row = await this.#filtered(q)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  insert(
    leads: readonly LeadRecord[],
    events?: readonly LeadEvent[],
    opts: { activeFormsOnly?: boolean } = {},
  ): Promise<{ inactiveForms: string[] }> {
    return this.#db.isTransaction ? insertLeads(this.#db, leads, events, opts) : this.#commit(leads, events, opts);
  }

  async findByExternalIds(formId: string, externalIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += 500) {
      const rows = await this.#db
        .selectFrom("leads")
        .select(["id", "external_id"])
        .where("form_id", "=", formId)
        .where("external_id", "in", externalIds.slice(i, i + 500))
        .execute();
      for (const r of rows) if (r.external_id !== null) out.set(r.external_id, r.id);
    }
    return out;
  }

  async testLeadsOf(formId: string): Promise<LeadRecord[]> {
    return (await testLeadsOfForm.execute(this.#db, { formId })).rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const lead = await this.get(id);
    if (!lead) return false;
    await this.#db.deleteFrom("leads").where("id", "=", id).execute();
    await this.#db
      .updateTable("forms")
      .set({
        leads_count: sql`leads_count - 1`,
        organic_leads_count: sql`organic_leads_count - ${lead.isOrganic ? 1 : 0}`,
      })
      .where("id", "=", lead.formId)
      .execute();
    return true;
  }

  #filtered(q: Omit<LeadListQuery, "limit">) {
    let query = this.#db.selectFrom("leads");
    if (q.formId !== undefined) query = query.where("form_id", "=", q.formId);
    if (q.adId !== undefined) query = query.where("ad_id", "=", q.adId);
    if (q.pageId !== undefined) query = query.where("page_id", "=", q.pageId);
    if (q.fromTime !== undefined) query = query.where("created_time", ">=", q.fromTime);
    if (q.beforeTime !== undefined) query = query.where("created_time", "<", q.beforeTime);
    return query;
  }
}

// The redundant outer bound lets both planners seek the (form_id|ad_id, created_time, id) index to the
// cursor instead of scanning from the newest row: page 1,000 then costs what page 1 costs.
const olderThan = (p: KeysetPosition) => sql<boolean>`(created_time <= ${p.t} and (created_time < ${p.t} or id < ${p.id}))`;
const newerThan = (p: KeysetPosition) => sql<boolean>`(created_time >= ${p.t} and (created_time > ${p.t} or id > ${p.id}))`;
