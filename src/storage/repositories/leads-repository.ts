import { type Kysely, type Selectable, sql } from "kysely";
import type { KeysetPosition } from "../../domain/cursor.ts";
import type { LeadEvent, LeadRecord, LeadSource } from "../../domain/model.ts";
import type { LeadListQuery, LeadRepository } from "../../domain/ports.ts";
import type { Database, LeadsTable } from "../schema.ts";
import { PreparedQuery } from "../prepared-query.ts";
import { asArrayRows } from "../array-rows.ts";
import { insertLeads } from "./lead-writes.ts";
import { LEAD_COLUMNS } from "./lead-columns.ts";

/**
 * A lead row as a record. Rows of LEAD_COLUMNS come as arrays on SQLite (array-rows.ts) and as
 * objects on PostgreSQL; an object is read into the same order first.
 */
const toRecord = (row: unknown): LeadRecord => {
  const v = Array.isArray(row) ? row : LEAD_COLUMNS.map((c) => (row as Selectable<LeadsTable>)[c]);
  return {
    id: v[0],
    formId: v[1],
    pageId: v[2],
    adId: v[3],
    adsetId: v[4],
    campaignId: v[5],
    accountId: v[6],
    createdTime: Number(v[7]),
    platform: v[8],
    isOrganic: v[9] === 1,
    isTest: v[10] === 1,
    fieldData: JSON.parse(v[11]),
    disclaimerResponses: JSON.parse(v[12]),
    partnerName: v[13],
    retailerItemId: v[14],
    createdByAppId: v[15],
    createdByUserId: v[16],
    submitterUserId: v[17],
    source: v[18] as LeadSource,
    externalId: v[19],
  };
};

const leadById = new PreparedQuery<{ id: string }, unknown>((db, param) =>
  asArrayRows(db.selectFrom("leads").select(LEAD_COLUMNS).where("id", "=", param("id")).compile()));
// Asked on every test-lead creation (one test lead per form at a time).
const testLeadsOfForm = new PreparedQuery<{ formId: string }, unknown>((db, param) =>
  asArrayRows(db.selectFrom("leads").select(LEAD_COLUMNS).where("form_id", "=", param("formId")).where("is_test", "=", 1)
    .orderBy("created_time", "desc").compile()));

export class KyselyLeadRepository implements LeadRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(id: string): Promise<LeadRecord | undefined> {
    const row = (await leadById.execute(this.#db, { id })).rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async getMany(ids: readonly string[]): Promise<LeadRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.selectFrom("leads").selectAll().where("id", "in", [...ids]).execute();
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
    const compiled = query.orderBy("created_time", dir).orderBy("id", dir).limit(q.limit).compile();
    const { rows } = await this.#db.executeQuery(asArrayRows(compiled));
    if (ascending) rows.reverse();
    return rows.map(toRecord);
  }

  async count(q: Omit<LeadListQuery, "limit" | "olderThan" | "newerThan">): Promise<number> {
    const row = await this.#filtered(q).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  insert(leads: readonly LeadRecord[], events?: readonly LeadEvent[], opts: { activeFormsOnly?: boolean } = {}): Promise<{ inactiveForms: string[] }> {
    return insertLeads(this.#db, leads, events, opts);
  }

  async findByExternalIds(formId: string, externalIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += 500) {
      const rows = await this.#db.selectFrom("leads").select(["id", "external_id"])
        .where("form_id", "=", formId).where("external_id", "in", externalIds.slice(i, i + 500)).execute();
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
    await this.#db.updateTable("forms")
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
const olderThan = (p: KeysetPosition) =>
  sql<boolean>`(created_time <= ${p.t} and (created_time < ${p.t} or id < ${p.id}))`;
const newerThan = (p: KeysetPosition) =>
  sql<boolean>`(created_time >= ${p.t} and (created_time > ${p.t} or id > ${p.id}))`;
