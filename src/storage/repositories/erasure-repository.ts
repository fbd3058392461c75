import { randomBytes } from "node:crypto";
import { type Kysely, type Selectable, sql } from "kysely";
import type {
  ErasedLeads,
  ErasureAuditRecord,
  ErasureRepository,
  ErasureVia,
  ScannedLead,
  ErasureKind,
} from "../../domain/erasure/erasure-repository.ts";
import type { Database, ErasureAuditTable } from "../schema.ts";
import type { SecretBox } from "../secret-box.ts";
import { KyselySettingsRepository } from "./settings-repository.ts";

// Ids bound per statement: well inside SQLite's and PostgreSQL's parameter limits.
const CHUNK = 500;
const IDENTIFIER_KEY = "erasure_identifier_key_sealed";

const toAudit = (r: Selectable<ErasureAuditTable>): ErasureAuditRecord => ({
  id: r.id,
  atMs: Number(r.at_ms),
  kind: r.kind as ErasureKind,
  matchedBy: r.matched_by,
  identifierHashes: JSON.parse(r.identifier_hashes),
  actor: r.actor,
  via: r.via as ErasureVia,
  reference: r.reference,
  leadIds: JSON.parse(r.lead_ids),
  formIds: JSON.parse(r.form_ids),
  pageIds: JSON.parse(r.page_ids),
  leadCount: Number(r.lead_count),
  deliveriesCancelled: Number(r.deliveries_cancelled),
  alreadyDelivered: Number(r.already_delivered),
  detail: r.detail,
});

export class KyselyErasureRepository implements ErasureRepository {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  async scan(afterId: string | null, limit: number): Promise<ScannedLead[]> {
    let q = this.#db.selectFrom("leads").select(["id", "field_data"]);
    if (afterId !== null) q = q.where("id", ">", afterId);
    const rows = await q.orderBy("id").limit(limit).execute();
    return rows.map((r) => ({ id: r.id, fieldData: r.field_data }));
  }

  async createdBefore(beforeTime: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("leads")
      .select("id")
      .where("created_time", "<", beforeTime)
      .orderBy("created_time")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async erase(ids: readonly string[], atMs: number, cancelReason: string): Promise<ErasedLeads> {
    const out: ErasedLeads = { leads: [], eventsRemoved: 0, deliveriesCancelled: 0, alreadyDelivered: 0 };
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // RETURNING names only the rows this statement deleted, so when two instances erase the same
      // lead at once the counters are taken down once.
      const deleted = await this.#db
        .deleteFrom("leads")
        .where("id", "in", chunk)
        .returning(["id", "form_id", "page_id", "is_organic"])
        .execute();
      if (deleted.length === 0) continue;
      const gone = deleted.map((d) => d.id);
      const perForm = new Map<string, { all: number; organic: number }>();
      for (const d of deleted) {
        out.leads.push({ id: d.id, formId: d.form_id, pageId: d.page_id });
        const c = perForm.get(d.form_id) ?? { all: 0, organic: 0 };
        c.all++;
        if (Number(d.is_organic) === 1) c.organic++;
        perForm.set(d.form_id, c);
      }
      for (const [formId, c] of perForm) {
        await this.#db
          .updateTable("forms")
          .set({ leads_count: sql`leads_count - ${c.all}`, organic_leads_count: sql`organic_leads_count - ${c.organic}` })
          .where("id", "=", formId)
          .execute();
      }
      const events = await this.#db.deleteFrom("lead_events").where("lead_id", "in", gone).executeTakeFirst();
      out.eventsRemoved += Number(events.numDeletedRows);
      const delivered = await this.#db
        .selectFrom("webhook_deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("lead_id", "in", gone)
        .where("status", "=", "delivered")
        .executeTakeFirstOrThrow();
      out.alreadyDelivered += Number(delivered.n);
      const cancelled = await this.#db
        .updateTable("webhook_deliveries")
        .set({ status: "cancelled", finished_ms: atMs, last_error: cancelReason, lease_owner: null, lease_until: null })
        .where("lead_id", "in", gone)
        .where("status", "=", "pending")
        .executeTakeFirst();
      out.deliveriesCancelled += Number(cancelled.numUpdatedRows);
    }
    return out;
  }

  async identifierKey(): Promise<string> {
    return new KyselySettingsRepository(this.#db, this.#box).getOrInitSecret(IDENTIFIER_KEY, () => randomBytes(32).toString("base64url"));
  }

  async recordAudit(r: ErasureAuditRecord): Promise<void> {
    await this.#db
      .insertInto("erasure_audit")
      .values({
        id: r.id,
        at_ms: r.atMs,
        kind: r.kind,
        matched_by: r.matchedBy,
        identifier_hashes: JSON.stringify(r.identifierHashes),
        actor: r.actor,
        via: r.via,
        reference: r.reference,
        lead_ids: JSON.stringify(r.leadIds),
        form_ids: JSON.stringify(r.formIds),
        page_ids: JSON.stringify(r.pageIds),
        lead_count: r.leadCount,
        deliveries_cancelled: r.deliveriesCancelled,
        already_delivered: r.alreadyDelivered,
        detail: r.detail,
      })
      .execute();
  }

  async listAudit(q: { beforeId?: string; limit: number }): Promise<ErasureAuditRecord[]> {
    let query = this.#db.selectFrom("erasure_audit").selectAll();
    if (q.beforeId !== undefined) query = query.where("id", "<", q.beforeId);
    // Ids are time-ordered snowflakes, so id order is the order the erasures were recorded in.
    return (await query.orderBy("id", "desc").limit(q.limit).execute()).map(toAudit);
  }

  async getAudit(id: string): Promise<ErasureAuditRecord | undefined> {
    const row = await this.#db.selectFrom("erasure_audit").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : toAudit(row);
  }
}
