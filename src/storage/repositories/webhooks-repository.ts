import { type ExpressionBuilder, type Kysely, PostgresAdapter, type Selectable, type SelectQueryBuilder } from "kysely";
import type { LeadEvent } from "../../domain/model.ts";
import type { WebhookQueueSnapshot } from "../../domain/metrics.ts";
import { webhookConfigChanges } from "../../domain/webhooks/config-changes.ts";
import {
  type AppWebhookSettings,
  type AttemptRecord,
  CANCEL_REASONS,
  type DeliveryListQuery,
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeliveryStatus,
  type NewDelivery,
  NO_FAULTS,
  type SubscriptionHealth,
  type WebhookRepository,
} from "../../domain/webhooks/webhook-repository.ts";
import { lockForClaim as pgLock } from "../dialects/postgres/claim-deliveries.ts";
import { lockForClaim as sqliteLock } from "../dialects/sqlite/claim-deliveries.ts";
import type { AttemptStats, AttemptStatsQuery } from "../../domain/webhooks/attempt-stats.ts";
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from "../schema.ts";
import { attemptStats } from "./webhook-attempt-stats.ts";

const CHUNK = 400;

const toDelivery = (r: Selectable<WebhookDeliveriesTable>): DeliveryRecord => ({
  id: r.id,
  eventId: r.event_id,
  appId: r.app_id,
  pageId: r.page_id,
  formId: r.form_id,
  leadId: r.lead_id,
  adId: r.ad_id,
  leadCreatedTime: Number(r.lead_created_time),
  kind: r.kind as DeliveryRecord["kind"],
  redeliveryOf: r.redelivery_of,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  createdMs: Number(r.created_ms),
  nextAttemptMs: Number(r.next_attempt_ms),
  firstAttemptMs: num(r.first_attempt_ms),
  lastAttemptMs: num(r.last_attempt_ms),
  lastStatus: num(r.last_status),
  lastError: r.last_error,
  finishedMs: num(r.finished_ms),
});

const toAttempt = (r: Selectable<WebhookAttemptsTable>, deliveryIds: string[]): AttemptRecord => ({
  id: r.id,
  appId: r.app_id,
  pageId: r.page_id,
  callbackUrl: r.callback_url,
  atMs: Number(r.at_ms),
  kind: r.kind as AttemptRecord["kind"],
  outcome: r.outcome as AttemptRecord["outcome"],
  httpStatus: num(r.http_status),
  latencyMs: num(r.latency_ms),
  responseExcerpt: r.response_excerpt,
  error: r.error,
  body: r.body,
  signature256: r.signature_256,
  signature1: r.signature_1,
  changeCount: Number(r.change_count),
  instance: r.instance,
  deliveryIds,
});

const num = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export class KyselyWebhookRepository implements WebhookRepository {
  readonly #db: Kysely<Database>;
  readonly #lock: <O>(q: SelectQueryBuilder<Database, any, O>) => SelectQueryBuilder<Database, any, O>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#lock = db.getExecutor().adapter instanceof PostgresAdapter ? pgLock : sqliteLock;
  }

  async claimLeadEvents(limit: number): Promise<LeadEvent[]> {
    const rows = await this.#lock(
      this.#db.selectFrom("lead_events").selectAll().where("fanned_out", "=", 0).orderBy("enqueued_at").orderBy("id").limit(limit),
    ).execute();
    return rows.map((r) => ({
      id: r.id,
      leadId: r.lead_id,
      pageId: r.page_id,
      formId: r.form_id,
      adId: r.ad_id,
      createdTime: Number(r.created_time),
      enqueuedAt: Number(r.enqueued_at),
    }));
  }

  async markFannedOut(eventIds: readonly string[]): Promise<void> {
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      await this.#db
        .updateTable("lead_events")
        .set({ fanned_out: 1 })
        .where("id", "in", eventIds.slice(i, i + CHUNK))
        .execute();
    }
  }

  async insertDeliveries(rows: readonly NewDelivery[]): Promise<void> {
    // 14 parameters a row: 400 rows stay well under both drivers' parameter limits.
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.#db
        .insertInto("webhook_deliveries")
        .values(
          rows.slice(i, i + CHUNK).map((d) => ({
            id: d.id,
            event_id: d.eventId,
            app_id: d.appId,
            page_id: d.pageId,
            form_id: d.formId,
            lead_id: d.leadId,
            ad_id: d.adId,
            lead_created_time: d.leadCreatedTime,
            kind: d.kind,
            redelivery_of: d.redeliveryOf,
            status: "pending",
            attempts: 0,
            created_ms: d.createdMs,
            next_attempt_ms: d.nextAttemptMs,
          })),
        )
        .onConflict((oc) => oc.columns(["event_id", "app_id"]).doNothing())
        .execute();
    }
  }

  #due(nowMs: number, wallMs: number) {
    return this.#db
      .selectFrom("webhook_deliveries")
      .where("status", "=", "pending")
      .where("next_attempt_ms", "<=", nowMs)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", wallMs)]))
      .where("app_id", "in", (eb) =>
        eb.selectFrom("webhook_subscriptions").select("app_id").where("object", "=", "page").where("active", "=", 1),
      );
  }

  async claimDue(o: { nowMs: number; wallMs: number; owner: string; leaseUntil: number; max: number }): Promise<DeliveryRecord[]> {
    // One statement: the (app, page) of the oldest due row, its due rows up to `max`, leased and
    // returned. Atomic on its own (SQLite runs it alone; on PostgreSQL the subqueries' SKIP LOCKED
    // row locks are held until it commits), so a claim needs no transaction around it.
    const group = this.#lock(
      this.#due(o.nowMs, o.wallMs).select(["app_id", "page_id"]).orderBy("next_attempt_ms").orderBy("id").limit(1),
    ).$asTuple("app_id", "page_id");
    const rows = await this.#db
      .updateTable("webhook_deliveries")
      .set({ lease_owner: o.owner, lease_until: o.leaseUntil })
      .where(
        "id",
        "in",
        this.#lock(
          this.#due(o.nowMs, o.wallMs)
            .select("id")
            .where((eb) => eb(eb.refTuple("app_id", "page_id"), "in", group))
            .orderBy("next_attempt_ms")
            .orderBy("id")
            .limit(o.max),
        ),
      )
      .returningAll()
      .execute();
    // RETURNING gives no order; the batch goes out oldest first.
    rows.sort((a, b) => Number(a.next_attempt_ms) - Number(b.next_attempt_ms) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map(toDelivery);
  }

  async nextDueMs(): Promise<number | undefined> {
    const r = await this.#db
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.min("next_attempt_ms").as("t"))
      .where("status", "=", "pending")
      .where("app_id", "in", (eb) => eb.selectFrom("webhook_subscriptions").select("app_id").where("active", "=", 1))
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
  }

  async queueSnapshot(nowMs: number): Promise<WebhookQueueSnapshot> {
    const r = await this.#db
      .selectFrom("webhook_deliveries")
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.min("created_ms").as("oldest")])
      .where("status", "=", "pending")
      .executeTakeFirst();
    const depth = Number(r?.n ?? 0);
    const oldest = r?.oldest === null || r?.oldest === undefined ? undefined : Number(r.oldest);
    return { depth, oldestAgeSeconds: depth === 0 || oldest === undefined ? 0 : Math.max(0, (nowMs - oldest) / 1000) };
  }

  async recordAttempt(a: AttemptRecord): Promise<void> {
    await this.#db
      .insertInto("webhook_attempts")
      .values({
        id: a.id,
        app_id: a.appId,
        page_id: a.pageId,
        callback_url: a.callbackUrl,
        at_ms: a.atMs,
        kind: a.kind,
        outcome: a.outcome,
        http_status: a.httpStatus,
        latency_ms: a.latencyMs,
        response_excerpt: a.responseExcerpt,
        error: a.error,
        body: a.body,
        signature_256: a.signature256,
        signature_1: a.signature1,
        change_count: a.changeCount,
        instance: a.instance,
      })
      .execute();
    for (let i = 0; i < a.deliveryIds.length; i += CHUNK) {
      await this.#db
        .insertInto("webhook_attempt_deliveries")
        .values(a.deliveryIds.slice(i, i + CHUNK).map((d) => ({ attempt_id: a.id, delivery_id: d })))
        .execute();
    }
  }

  async finish(owner: string, atMs: number, outcomes: readonly DeliveryOutcome[]): Promise<void> {
    // Outcomes that end a delivery are written in bulk (a delivered batch is one statement); retries
    // carry their own next time each.
    const groups = new Map<string, DeliveryOutcome[]>();
    for (const o of outcomes) {
      const key = o.status === "pending" ? `pending:${o.id}` : `${o.status}:${o.httpStatus}:${o.error}`;
      const g = groups.get(key) ?? [];
      g.push(o);
      groups.set(key, g);
    }
    for (const group of groups.values()) {
      const o = group[0]!;
      const ids = group.map((g) => g.id);
      if (o.status === "cancelled") {
        // Settled without an attempt: the attempt columns keep what the last real one said.
        for (let i = 0; i < ids.length; i += CHUNK) {
          await this.#db
            .updateTable("webhook_deliveries")
            .set({ status: "cancelled", finished_ms: atMs, last_error: o.error, lease_owner: null, lease_until: null })
            .where("id", "in", ids.slice(i, i + CHUNK))
            .where("lease_owner", "=", owner)
            .execute();
        }
        continue;
      }
      const base = { last_attempt_ms: atMs, last_status: o.httpStatus, last_error: o.error, lease_owner: null, lease_until: null };
      const set =
        o.status === "pending"
          ? { ...base, status: "pending", next_attempt_ms: o.nextAttemptMs }
          : { ...base, status: o.status, finished_ms: atMs };
      for (let i = 0; i < ids.length; i += CHUNK) {
        await this.#db
          .updateTable("webhook_deliveries")
          .set((eb) => ({
            ...set,
            attempts: o.status === "dropped" ? eb.ref("attempts") : eb("attempts", "+", 1),
            first_attempt_ms: eb.fn.coalesce("first_attempt_ms", eb.val(atMs)),
          }))
          .where("id", "in", ids.slice(i, i + CHUNK))
          .where("lease_owner", "=", owner)
          .execute();
      }
    }
  }

  async release(owner: string, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.#db
        .updateTable("webhook_deliveries")
        .set({ lease_owner: null, lease_until: null })
        .where("id", "in", ids.slice(i, i + CHUNK))
        .where("lease_owner", "=", owner)
        .execute();
    }
  }

  async renewLease(owner: string, ids: readonly string[], leaseUntil: number): Promise<number> {
    let taken = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const res = await this.#db
        .updateTable("webhook_deliveries")
        .set({ lease_until: leaseUntil })
        .where("id", "in", chunk)
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === chunk.length) continue;
      // Rows finished meanwhile hold no lease; only another owner's lease means a second sender.
      const other = await this.#db
        .selectFrom("webhook_deliveries")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("id", "in", chunk)
        .where("lease_owner", "is not", null)
        .where("lease_owner", "!=", owner)
        .executeTakeFirstOrThrow();
      taken += Number(other.n);
    }
    return taken;
  }

  async cancelUnreceivable(atMs: number, wallMs: number): Promise<number> {
    const noApp = (eb: ExpressionBuilder<Database, "webhook_deliveries">) =>
      eb.not(eb.exists(eb.selectFrom("apps").select("apps.id").whereRef("apps.id", "=", "webhook_deliveries.app_id")));
    const noSubscription = (eb: ExpressionBuilder<Database, "webhook_deliveries">) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("webhook_subscriptions")
            .select("webhook_subscriptions.app_id")
            .whereRef("webhook_subscriptions.app_id", "=", "webhook_deliveries.app_id")
            .where("webhook_subscriptions.object", "=", "page")
            .where("webhook_subscriptions.fields", "like", '%"leadgen"%'),
        ),
      );
    const noInstall = (eb: ExpressionBuilder<Database, "webhook_deliveries">) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("page_installs")
            .select("page_installs.app_id")
            .whereRef("page_installs.app_id", "=", "webhook_deliveries.app_id")
            .whereRef("page_installs.page_id", "=", "webhook_deliveries.page_id")
            .where("page_installs.subscribed_fields", "like", '%"leadgen"%'),
        ),
      );
    const r = await this.#db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        status: "cancelled",
        finished_ms: atMs,
        last_error: eb
          .case()
          .when(noApp(eb))
          .then(CANCEL_REASONS.app)
          .when(noSubscription(eb))
          .then(CANCEL_REASONS.subscription)
          .else(CANCEL_REASONS.install)
          .end(),
      }))
      .where("status", "=", "pending")
      // A batch in flight is left to finish: it was sent, and its outcome says so.
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", wallMs)]))
      .where((eb) => eb.or([noApp(eb), noSubscription(eb), noInstall(eb)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const r = await this.#db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
    return r && toDelivery(r);
  }

  async list(q: DeliveryListQuery): Promise<DeliveryRecord[]> {
    let query = this.#db.selectFrom("webhook_deliveries").selectAll();
    if (q.appId !== undefined) query = query.where("app_id", "=", q.appId);
    if (q.pageId !== undefined) query = query.where("page_id", "=", q.pageId);
    if (q.formId !== undefined) query = query.where("form_id", "=", q.formId);
    if (q.leadId !== undefined) query = query.where("lead_id", "=", q.leadId);
    if (q.status !== undefined) query = query.where("status", "=", q.status);
    if (q.fromMs !== undefined) query = query.where("created_ms", ">=", q.fromMs);
    if (q.toMs !== undefined) query = query.where("created_ms", "<", q.toMs);
    if (q.beforeId !== undefined) query = query.where("id", "<", q.beforeId);
    // Snowflake ids grow with time, so id order is creation order without a second key.
    const rows = await query.orderBy("id", "desc").limit(q.limit).execute();
    return rows.map(toDelivery);
  }

  attemptStats(q: AttemptStatsQuery): Promise<AttemptStats> {
    return attemptStats(this.#db, q);
  }

  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    const rows = await this.#db
      .selectFrom("webhook_attempts")
      .innerJoin("webhook_attempt_deliveries", "webhook_attempt_deliveries.attempt_id", "webhook_attempts.id")
      .selectAll("webhook_attempts")
      .where("webhook_attempt_deliveries.delivery_id", "=", deliveryId)
      .orderBy("webhook_attempts.at_ms")
      .orderBy("webhook_attempts.id")
      .execute();
    const out: AttemptRecord[] = [];
    for (const r of rows) {
      const links = await this.#db.selectFrom("webhook_attempt_deliveries").select("delivery_id").where("attempt_id", "=", r.id).execute();
      out.push(
        toAttempt(
          r,
          links.map((l) => l.delivery_id),
        ),
      );
    }
    return out;
  }

  async settings(appId: string): Promise<AppWebhookSettings> {
    const r = await this.#db.selectFrom("webhook_app_settings").selectAll().where("app_id", "=", appId).executeTakeFirst();
    if (!r) return { appId, faults: { ...NO_FAULTS }, autoDisableHours: null };
    return {
      appId,
      faults: { ...NO_FAULTS, ...JSON.parse(r.faults) },
      autoDisableHours: r.auto_disable_hours === null ? null : Number(r.auto_disable_hours),
    };
  }

  async saveSettings(s: AppWebhookSettings): Promise<void> {
    const row = { app_id: s.appId, faults: JSON.stringify(s.faults), auto_disable_hours: s.autoDisableHours };
    await this.#db
      .insertInto("webhook_app_settings")
      .values(row)
      .onConflict((oc) => oc.column("app_id").doUpdateSet({ faults: row.faults, auto_disable_hours: row.auto_disable_hours }))
      .execute();
    webhookConfigChanges.bump();
  }

  async health(appId: string): Promise<SubscriptionHealth | undefined> {
    const r = await this.#db
      .selectFrom("webhook_subscriptions")
      .select(["app_id", "failing_since_ms", "disabled_ms", "disabled_reason"])
      .where("app_id", "=", appId)
      .where("object", "=", "page")
      .executeTakeFirst();
    return (
      r && {
        appId: r.app_id,
        failingSinceMs: num(r.failing_since_ms),
        disabledMs: num(r.disabled_ms),
        disabledReason: r.disabled_reason ?? null,
      }
    );
  }

  async setFailing(appId: string, failing: boolean, atMs: number): Promise<void> {
    const q = this.#db.updateTable("webhook_subscriptions").where("app_id", "=", appId).where("object", "=", "page");
    if (failing) await q.set({ failing_since_ms: atMs }).where("failing_since_ms", "is", null).execute();
    else await q.set({ failing_since_ms: null }).where("failing_since_ms", "is not", null).execute();
  }

  async disable(appId: string, atMs: number, reason: string): Promise<void> {
    await this.#db
      .updateTable("webhook_subscriptions")
      .set({ active: 0, disabled_ms: atMs, disabled_reason: reason })
      .where("app_id", "=", appId)
      .where("object", "=", "page")
      .execute();
    webhookConfigChanges.bump();
  }

  async listDisabled(): Promise<SubscriptionHealth[]> {
    const rows = await this.#db
      .selectFrom("webhook_subscriptions")
      .select(["app_id", "failing_since_ms", "disabled_ms", "disabled_reason"])
      .where("active", "=", 0)
      .orderBy("app_id")
      .execute();
    return rows.map((r) => ({
      appId: r.app_id,
      failingSinceMs: num(r.failing_since_ms),
      disabledMs: num(r.disabled_ms),
      disabledReason: r.disabled_reason ?? null,
    }));
  }

  async prune(beforeMs: number): Promise<number> {
    const attempts = await this.#db.selectFrom("webhook_attempts").select("id").where("at_ms", "<", beforeMs).limit(5000).execute();
    const ids = attempts.map((a) => a.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      await this.#db.deleteFrom("webhook_attempt_deliveries").where("attempt_id", "in", chunk).execute();
      await this.#db.deleteFrom("webhook_attempts").where("id", "in", chunk).execute();
    }
    const d = await this.#db
      .deleteFrom("webhook_deliveries")
      .where("status", "!=", "pending")
      .where("finished_ms", "<", beforeMs)
      .executeTakeFirst();
    return ids.length + Number(d.numDeletedRows);
  }
}
