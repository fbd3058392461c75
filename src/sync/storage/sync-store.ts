import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { SyncDatabase, SyncFormsTable, SyncJobsTable, SyncLeadsTable } from "./schema.ts";
import { SyncErasureStore } from "./sync-erasure-store.ts";

/** A webhook notification waiting to be fetched. */
export interface QueuedLead {
  leadId: string;
  pageId: string;
  formId: string;
  adId?: string | undefined;
}

export type StoredLead = SyncLeadsTable;
export type FormState = SyncFormsTable;
export type JobRow = SyncJobsTable;

export interface LeadListQuery {
  pageId?: string;
  formId?: string;
  /** Keyset: leads strictly after this id in (created_time desc, id desc) order. */
  after?: { createdTime: number; id: string };
  limit: number;
}

// Rows per statement: 21 columns × 500 stays far below SQLite (32,766) and PostgreSQL (65,535) parameter limits.
const CHUNK = 500;

/** Every column of a stored lead, in the order the cached insert binds them. */
const LEAD_COLUMNS = [
  "id",
  "page_id",
  "form_id",
  "ad_id",
  "ad_name",
  "adset_id",
  "adset_name",
  "campaign_id",
  "campaign_name",
  "created_time",
  "is_organic",
  "platform",
  "partner_name",
  "retailer_item_id",
  "field_data",
  "custom_disclaimer_responses",
  "source",
  "stored_at",
  "forward_pending",
  "forward_attempts",
  "forward_next_at",
] as const satisfies readonly (keyof SyncLeadsTable)[];

/**
 * Every query of the sync service, one set for SQLite and PostgreSQL. Dedupe lives in primary keys:
 * a lead id is stored once and queued once, whichever path (webhook, reconciliation, restart) saw it.
 */
export class SyncStore {
  readonly #db: Kysely<SyncDatabase>;
  /**
   * SQL of the leads insert and the jobs settle by shape (statement and row count). A page of leads is always the same
   * size, and building and compiling a 2,000-value insert with Kysely per page cost more than
   * SQLite takes to run it (catch-up spent half its time storing).
   */
  readonly #sqlByShape = new Map<string, string>();

  /** Erased leads' tombstones and the erasure audit log. */
  readonly erasure: SyncErasureStore;

  constructor(db: Kysely<SyncDatabase>) {
    this.#db = db;
    this.erasure = new SyncErasureStore(db);
  }

  /** Queues notifications durably; returns how many were new (duplicates and stored leads are skipped). */
  async enqueue(all: readonly QueuedLead[], nowMs: number): Promise<number> {
    if (all.length === 0) return 0;
    // A notification of an erased lead (Meta retries, a redelivery) is acknowledged and dropped.
    const erased = await this.erasure.erasedAmong(all.map((c) => c.leadId));
    const items = erased.size === 0 ? all : all.filter((c) => !erased.has(c.leadId));
    if (items.length === 0) return 0;
    let added = 0;
    await this.#db.transaction().execute(async (tx) => {
      for (let i = 0; i < items.length; i += CHUNK) {
        const rows = items.slice(i, i + CHUNK).map((c) => ({
          lead_id: c.leadId,
          page_id: c.pageId,
          form_id: c.formId,
          ad_id: c.adId ?? null,
          received_at: nowMs,
          attempts: 0,
          next_attempt_at: nowMs,
          status: "pending",
          last_error: null,
        }));
        const res = await tx
          .insertInto("sync_jobs")
          .values(rows)
          .onConflict((oc) => oc.column("lead_id").doNothing())
          .returning("lead_id")
          .execute();
        added += res.length;
      }
    });
    return added;
  }

  /** Pending jobs whose time has come, oldest first. */
  dueJobs(nowMs: number, limit: number): Promise<JobRow[]> {
    return this.#db
      .selectFrom("sync_jobs")
      .selectAll()
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", nowMs)
      .orderBy("next_attempt_at")
      .orderBy("lead_id")
      .limit(limit)
      .execute();
  }

  /** Next time any pending job is due (ms), if any. */
  async nextDueAt(): Promise<number | undefined> {
    const r = await this.#db
      .selectFrom("sync_jobs")
      .select((eb) => eb.fn.min("next_attempt_at").as("t"))
      .where("status", "=", "pending")
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
  }

  async finishJob(leadId: string, status: "done" | "failed", error?: string): Promise<void> {
    await this.#db
      .updateTable("sync_jobs")
      .set({ status, last_error: error ?? null })
      .where("lead_id", "=", leadId)
      .execute();
  }

  async retryJob(leadId: string, attempts: number, nextAtMs: number, error: string): Promise<void> {
    await this.#db
      .updateTable("sync_jobs")
      .set({ attempts, next_attempt_at: nextAtMs, last_error: error.slice(0, 500) })
      .where("lead_id", "=", leadId)
      .execute();
  }

  async hasLead(id: string): Promise<boolean> {
    return (await this.#db.selectFrom("sync_leads").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
  }

  /**
   * Stores leads that are not stored yet; returns the ids that were new. `progress` records a
   * reconciliation checkpoint in the same transaction.
   */
  async insertLeads(
    rows: readonly StoredLead[],
    progress?: { formId: string; since: number; until: number; newest: number },
  ): Promise<string[]> {
    if (rows.length === 0) return [];
    const added: string[] = [];
    await this.#db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        // An erased lead read again by a reconciliation pass stays erased.
        const erased = await new SyncErasureStore(tx).erasedAmong(chunk.map((r) => r.id));
        const kept = erased.size === 0 ? chunk : chunk.filter((r) => !erased.has(r.id));
        if (kept.length > 0) for (const r of (await this.#insertLeadRows(tx, kept)).rows) added.push(r.id);
        // A lead found by reconciliation settles any notification still queued for it.
        await this.#settleJobs(
          tx,
          chunk.map((r) => r.id),
        );
      }
      if (progress) {
        await tx
          .updateTable("sync_forms")
          .set({ pass_since: progress.since, pass_until: progress.until, pass_newest: progress.newest })
          .where("id", "=", progress.formId)
          .execute();
      }
    });
    return added;
  }

  #insertLeadRows(tx: Transaction<SyncDatabase>, rows: readonly StoredLead[]) {
    const params: unknown[] = [];
    for (const r of rows) for (const c of LEAD_COLUMNS) params.push(r[c] ?? null);
    const sql = this.#sqlFor(`insert:${rows.length}`, params, () => {
      // Rows with every column in LEAD_COLUMNS order compile to exactly these parameters.
      const ordered = rows.map((r) => Object.fromEntries(LEAD_COLUMNS.map((c) => [c, r[c] ?? null])) as unknown as StoredLead);
      return tx
        .insertInto("sync_leads")
        .values(ordered)
        .onConflict((oc) => oc.column("id").doNothing())
        .returning("id")
        .compile();
    });
    return tx.executeQuery<{ id: string }>(CompiledQuery.raw(sql, params));
  }

  #settleJobs(tx: Transaction<SyncDatabase>, leadIds: readonly string[]) {
    const params = ["done", "pending", ...leadIds];
    const sql = this.#sqlFor(`settle:${leadIds.length}`, params, () =>
      tx
        .updateTable("sync_jobs")
        .set({ status: "done" })
        .where("status", "=", "pending")
        .where("lead_id", "in", [...leadIds])
        .compile(),
    );
    return tx.executeQuery(CompiledQuery.raw(sql, params));
  }

  /**
   * The SQL of a statement shape, compiled the first time, when it is also checked to take exactly
   * `params` in that order (a shape whose parameters differ fails at once, not with wrong rows).
   */
  #sqlFor(shape: string, params: readonly unknown[], compile: () => CompiledQuery): string {
    let sql = this.#sqlByShape.get(shape);
    if (sql === undefined) {
      const compiled = compile();
      if (compiled.parameters.length !== params.length || compiled.parameters.some((p, i) => p !== params[i])) {
        throw new Error(`sync store: parameters of ${shape} are not in the expected order`);
      }
      sql = compiled.sql;
      this.#sqlByShape.set(shape, sql);
    }
    return sql;
  }

  getLead(id: string): Promise<StoredLead | undefined> {
    return this.#db.selectFrom("sync_leads").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Newest first, keyset on (created_time, id). */
  listLeads(q: LeadListQuery): Promise<StoredLead[]> {
    let s = this.#db.selectFrom("sync_leads").selectAll();
    if (q.pageId) s = s.where("page_id", "=", q.pageId);
    if (q.formId) s = s.where("form_id", "=", q.formId);
    if (q.after) {
      const a = q.after;
      s = s.where((eb) =>
        eb.or([eb("created_time", "<", a.createdTime), eb.and([eb("created_time", "=", a.createdTime), eb("id", "<", a.id)])]),
      );
    }
    return s.orderBy("created_time", "desc").orderBy("id", "desc").limit(q.limit).execute();
  }

  async countLeads(formId?: string): Promise<number> {
    let s = this.#db.selectFrom("sync_leads").select((eb) => eb.fn.countAll().as("n"));
    if (formId !== undefined) s = s.where("form_id", "=", formId);
    const r = await s.executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async jobCounts(): Promise<Record<string, number>> {
    const rows = await this.#db
      .selectFrom("sync_jobs")
      .select(["status", (eb) => eb.fn.countAll().as("n")])
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Records a form, keeping its high-water mark. */
  async upsertForm(id: string, pageId: string, name: string | null): Promise<void> {
    await this.#db
      .insertInto("sync_forms")
      .values({
        id,
        page_id: pageId,
        name,
        high_water: 0,
        last_reconciled_at: null,
        last_error: null,
        pass_since: null,
        pass_until: null,
        pass_newest: null,
      })
      .onConflict((oc) => oc.column("id").doUpdateSet(name === null ? { page_id: pageId } : { page_id: pageId, name }))
      .execute();
  }

  forms(pageId?: string): Promise<FormState[]> {
    let s = this.#db.selectFrom("sync_forms").selectAll();
    if (pageId) s = s.where("page_id", "=", pageId);
    return s.orderBy("id").execute();
  }

  /** Moves a form's high-water mark forward only, and closes any unfinished pass. */
  async formReconciled(id: string, highWater: number, atMs: number): Promise<void> {
    await this.#db
      .updateTable("sync_forms")
      .set((eb) => ({
        high_water: eb.case().when("high_water", "<", highWater).then(highWater).else(eb.ref("high_water")).end(),
        last_reconciled_at: atMs,
        last_error: null,
        pass_since: null,
        pass_until: null,
        pass_newest: null,
      }))
      .where("id", "=", id)
      .execute();
  }

  async formFailed(id: string, error: string): Promise<void> {
    await this.#db
      .updateTable("sync_forms")
      .set({ last_error: error.slice(0, 500) })
      .where("id", "=", id)
      .execute();
  }

  /** Leads whose forwarding is due. */
  dueForwards(nowMs: number, limit: number): Promise<StoredLead[]> {
    return this.#db
      .selectFrom("sync_leads")
      .selectAll()
      .where("forward_pending", "=", 1)
      .where("forward_next_at", "<=", nowMs)
      .orderBy("forward_next_at")
      .limit(limit)
      .execute();
  }

  async forwarded(id: string): Promise<void> {
    await this.#db.updateTable("sync_leads").set({ forward_pending: 0 }).where("id", "=", id).execute();
  }

  async forwardFailed(id: string, attempts: number, nextAtMs: number, giveUp: boolean): Promise<void> {
    await this.#db
      .updateTable("sync_leads")
      .set({ forward_attempts: attempts, forward_next_at: nextAtMs, forward_pending: giveUp ? 2 : 1 })
      .where("id", "=", id)
      .execute();
  }

  async setState(key: string, value: unknown, atMs: number): Promise<void> {
    const v = JSON.stringify(value);
    await this.#db
      .insertInto("sync_state")
      .values({ key, value: v, updated_at: atMs })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: v, updated_at: atMs }))
      .execute();
  }

  async state(): Promise<Record<string, unknown>> {
    const rows = await this.#db.selectFrom("sync_state").selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
  }
}
