import { errors, webhookErrors } from "../domain/errors.ts";
import {
  CANCEL_REASONS,
  type DeliveryRecord,
  type FaultSettings,
  type NewDelivery,
  NO_FAULTS,
} from "../domain/webhooks/webhook-repository.ts";
import { verifyCallback } from "../dispatcher/index.ts";
import { describeRefusal } from "../domain/webhooks/outbound-policy.ts";
import type { HttpModule } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { adminRoutes, decodeCursor, pageFrom, pageOf } from "./admin-kit.ts";
import { webhooksApi } from "./webhooks-api.ts";

const MAX_REDELIVER = 10_000;

/**
 * Delivery log, redelivery, subscriptions and installs, fault injection and auto-disable policy.
 * Times in and out are unix seconds like the rest of the API; ids are strings.
 */
export const webhooksAdminRoutes: HttpModule = async (app, runtime, links) => {
  const { store, clock, ids } = runtime.services;
  const add = adminRoutes(app, runtime, links);

  add(webhooksApi.deliveries, async (call) => {
    const { query: q } = call;
    const query = {
      appId: q.app_id,
      pageId: q.page_id,
      formId: q.form_id,
      leadId: q.lead_id,
      status: q.status,
      fromMs: q.since === undefined ? undefined : q.since * 1000,
      toMs: q.until === undefined ? undefined : q.until * 1000,
      beforeId: q.after ? deliveryCursor(q.after) : undefined,
      limit: q.limit + 1,
    };
    const rows = await store.webhooks.list(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as typeof query);
    return pageFrom(rows, (d) => d.id, call, deliveryJson);
  });

  add(webhooksApi.delivery, async ({ params }) => {
    const d = await mustGetDelivery(runtime, params.id);
    const attempts = await store.webhooks.attemptsOf(d.id);
    return {
      ...deliveryJson(d),
      attempts: attempts.map((a) => ({
        id: a.id,
        time: Math.floor(a.atMs / 1000),
        time_ms: a.atMs,
        kind: a.kind,
        outcome: a.outcome,
        callback_url: a.callbackUrl,
        http_status: a.httpStatus,
        latency_ms: a.latencyMs,
        response_excerpt: a.responseExcerpt,
        error: a.error,
        body: a.body,
        headers: {
          "content-type": "application/json",
          "user-agent": "facebookexternalua",
          "x-hub-signature": a.signature1,
          "x-hub-signature-256": a.signature256,
        },
        change_count: a.changeCount,
        delivery_ids: a.deliveryIds,
        instance: a.instance,
      })),
    };
  });

  add(webhooksApi.redeliverOne, async ({ params }) => {
    const d = await mustGetDelivery(runtime, params.id);
    // An erased (or deleted) lead is not announced again: the receiver could only fail to read it.
    if (!(await store.leads.get(d.leadId)))
      throw errors.invalidParam(`Lead ${d.leadId} of this delivery was erased or deleted: there is nothing to redeliver`);
    const gone = await receiverGone(d.appId, d.pageId);
    if (gone) throw webhookErrors.redeliveryWithoutReceiver(gone);
    const [created] = await redeliver([d]);
    return { success: true, id: created!.id };
  });

  add(webhooksApi.redeliverRange, async ({ body }) => {
    const { app_id: appId, since, until, status } = body;
    const rows: DeliveryRecord[] = [];
    let beforeId: string | undefined;
    for (;;) {
      const q = {
        appId,
        fromMs: since * 1000,
        limit: 500,
        ...(until !== undefined ? { toMs: until * 1000 } : {}),
        ...(status ? { status } : {}),
        ...(beforeId ? { beforeId } : {}),
      };
      const chunk = await store.webhooks.list(q);
      rows.push(...chunk.filter((d) => d.kind === "event"));
      if (chunk.length < 500 || rows.length >= MAX_REDELIVER) break;
      beforeId = chunk.at(-1)!.id;
    }
    if (rows.length > MAX_REDELIVER)
      throw errors.invalidParam(`At most ${MAX_REDELIVER} deliveries can be redelivered at once; narrow since/until`);
    const gone = await receiverGone(appId);
    if (gone) throw webhookErrors.redeliveryWithoutReceiver(gone);
    // Pages vary in a bulk redelivery: those the app is no longer installed on are left out and
    // named, rather than queued only to be settled as cancelled.
    const pageGone = new Map<string, string | undefined>();
    for (const d of rows) if (!pageGone.has(d.pageId)) pageGone.set(d.pageId, await notInstalled(appId, d.pageId));
    const skipped = [...pageGone].flatMap(([pageId, reason]) =>
      reason === undefined ? [] : [{ page_id: pageId, reason, count: rows.filter((d) => d.pageId === pageId).length }],
    );
    const installed = rows.filter((d) => pageGone.get(d.pageId) === undefined);
    const existing = new Set<string>();
    for (let i = 0; i < installed.length; i += 500) {
      for (const lead of await store.leads.getMany([...new Set(installed.slice(i, i + 500).map((d) => d.leadId))])) existing.add(lead.id);
    }
    const erasedByPage = new Map<string, number>();
    for (const d of installed) if (!existing.has(d.leadId)) erasedByPage.set(d.pageId, (erasedByPage.get(d.pageId) ?? 0) + 1);
    for (const [pageId, count] of erasedByPage) skipped.push({ page_id: pageId, reason: why(CANCEL_REASONS.erased), count });
    const created = await redeliver(installed.filter((d) => existing.has(d.leadId)).reverse());
    return { success: true, count: created.length, ids: created.map((c) => c.id), skipped };
  });

  /**
   * Why nothing would receive a redelivery (the dispatcher's reasons for cancelling), or undefined
   * when the app still subscribes (and, given a page, is installed there).
   */
  async function receiverGone(appId: string, pageId?: string): Promise<string | undefined> {
    if (!(await store.directory.getApp(appId))) return why(CANCEL_REASONS.app);
    const subs = await store.subscriptions.listForApp(appId);
    if (!subs.some((s) => s.object === "page" && s.fields.includes("leadgen"))) return why(CANCEL_REASONS.subscription);
    return pageId === undefined ? undefined : notInstalled(appId, pageId);
  }

  /** Why the app would not receive a page's leadgen changes, or undefined when it is installed there. */
  async function notInstalled(appId: string, pageId: string): Promise<string | undefined> {
    const installs = await store.subscriptions.installsOfPage(pageId);
    return installs.some((i) => i.appId === appId && i.subscribedFields.includes("leadgen")) ? undefined : why(CANCEL_REASONS.install);
  }

  /** A cancel reason as a redelivery states it: without the "cancelled:" prefix. */
  function why(reason: string): string {
    return reason.replace(/^cancelled: /, "");
  }

  async function redeliver(originals: readonly DeliveryRecord[]): Promise<NewDelivery[]> {
    const now = clock.nowMs();
    const rows: NewDelivery[] = originals.map((d) => ({
      id: ids.next(),
      eventId: null,
      appId: d.appId,
      pageId: d.pageId,
      formId: d.formId,
      leadId: d.leadId,
      adId: d.adId,
      leadCreatedTime: d.leadCreatedTime,
      kind: "redelivery",
      redeliveryOf: d.id,
      createdMs: now,
      nextAttemptMs: now,
    }));
    await store.transaction((tx) => tx.webhooks.insertDeliveries(rows));
    runtime.services.outbox.notify();
    return rows;
  }

  add(webhooksApi.subscriptions, async (call) => {
    const data = [];
    for (const a of await store.directory.listApps()) {
      const subs = await store.subscriptions.listForApp(a.id);
      if (subs.length === 0) continue;
      const settings = await store.webhooks.settings(a.id);
      const health = await store.webhooks.health(a.id);
      data.push({
        app_id: a.id,
        app_name: a.name,
        mode: a.mode,
        subscriptions: subs.map((s) => ({
          object: s.object,
          callback_url: s.callbackUrl,
          fields: s.fields,
          active: s.active,
          include_values: s.includeValues,
        })),
        failing_since: secs(health?.failingSinceMs),
        disabled_time: secs(health?.disabledMs),
        disabled_reason: health?.disabledReason ?? null,
        faults: faultsJson(settings.faults),
        auto_disable_hours: settings.autoDisableHours ?? runtime.config.webhookAutoDisableHours,
      });
    }
    return pageOf(
      data,
      (s) => s.app_id,
      call,
      (s) => s,
    );
  });

  add(webhooksApi.installs, async (call) => {
    const data = [];
    for (const page of await store.directory.listPages()) {
      for (const i of await store.subscriptions.installsOfPage(page.id)) {
        data.push({ page_id: i.pageId, app_id: i.appId, subscribed_fields: i.subscribedFields, created_time: i.createdTime });
      }
    }
    // Keyed page then app, so a cursor is one install.
    return pageOf(
      data,
      (i) => `${i.page_id}:${i.app_id}`,
      call,
      (i) => i,
    );
  });

  add(webhooksApi.disabled, async (call) =>
    pageOf(
      await store.webhooks.listDisabled(),
      (h) => h.appId,
      call,
      (h) => ({
        app_id: h.appId,
        disabled_time: secs(h.disabledMs),
        disabled_reason: h.disabledReason,
        failing_since: secs(h.failingSinceMs),
      }),
    ),
  );

  add(webhooksApi.faults, async ({ params }) => {
    await mustGetApp(runtime, params.app_id);
    return faultsJson((await store.webhooks.settings(params.app_id)).faults);
  });

  add(webhooksApi.setFaults, async ({ params, body: b }) => {
    const appId = params.app_id;
    await mustGetApp(runtime, appId);
    const current = await store.webhooks.settings(appId);
    const base: FaultSettings = b.reset ? NO_FAULTS : current.faults;
    const faults: FaultSettings = {
      dropPercent: b.drop_percent ?? base.dropPercent,
      duplicatePercent: b.duplicate_percent ?? base.duplicatePercent,
      delayMs: b.delay_ms ?? base.delayMs,
      delayJitterMs: b.delay_jitter_ms ?? base.delayJitterMs,
      split: b.split ?? base.split,
      reorder: b.reorder ?? base.reorder,
      packEntries: b.pack_entries ?? base.packEntries,
    };
    await store.webhooks.saveSettings({ ...current, faults });
    return faultsJson(faults);
  });

  add(webhooksApi.setPolicy, async ({ params, body }) => {
    const appId = params.app_id;
    await mustGetApp(runtime, appId);
    const raw = String(body.auto_disable_hours);
    const hours = raw === "" || raw === "default" ? null : Number(raw);
    if (hours !== null && (!Number.isFinite(hours) || hours < 0))
      throw errors.invalidParam('Param auto_disable_hours must be a number of hours (0 = never) or "default"');
    const current = await store.webhooks.settings(appId);
    await store.webhooks.saveSettings({ ...current, autoDisableHours: hours });
    return { success: true, auto_disable_hours: hours ?? runtime.config.webhookAutoDisableHours };
  });

  /**
   * Points an app's page subscription at a callback (what `leadgraph listen` does), handshake
   * included unless `skip_verification` (used to restore a previous callback that may be down).
   * Answers the subscription it replaced.
   */
  add(webhooksApi.subscribe, async ({ params, body }) => {
    const app = await mustGetApp(runtime, params.app_id);
    const { callback_url: callbackUrl, verify_token: verifyToken, fields } = body;
    if (!body.skip_verification) {
      const result = await verifyCallback(runtime.services.outbound, callbackUrl, verifyToken, 10_000);
      if (!result.ok) throw webhookErrors.callbackVerificationFailed(result.detail);
    } else {
      // Not called now, but stored only if the policy could call it (its host's addresses are checked at delivery).
      const verdict = runtime.services.outbound.checkUrl(callbackUrl);
      if (!verdict.ok) throw webhookErrors.callbackVerificationFailed(describeRefusal(verdict));
    }
    const previous = (await store.subscriptions.listForApp(app.id)).find((s) => s.object === "page");
    await store.subscriptions.upsert({
      appId: app.id,
      object: "page",
      callbackUrl,
      fields,
      verifyToken,
      includeValues: true,
      active: true,
      createdTime: previous?.createdTime ?? Math.floor(clock.nowMs() / 1000),
    });
    return {
      success: true,
      previous: previous
        ? { callback_url: previous.callbackUrl, verify_token: previous.verifyToken, fields: previous.fields, active: previous.active }
        : null,
    };
  });

  add(webhooksApi.unsubscribe, async ({ params }) => {
    const app = await mustGetApp(runtime, params.app_id);
    await store.subscriptions.remove(app.id, "page");
    return { success: true };
  });
};

async function mustGetDelivery(runtime: Runtime, id: string): Promise<DeliveryRecord> {
  const d = /^\d{1,20}$/.test(id) ? await runtime.services.store.webhooks.get(id) : undefined;
  if (!d) throw errors.unknownObject(id);
  return d;
}

async function mustGetApp(runtime: Runtime, id: string) {
  const app = /^\d{1,20}$/.test(id) ? await runtime.services.store.directory.getApp(id) : undefined;
  if (!app) throw errors.unknownObject(id);
  return app;
}

const secs = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.floor(ms / 1000));

function deliveryJson(d: DeliveryRecord) {
  return {
    id: d.id,
    app_id: d.appId,
    page_id: d.pageId,
    form_id: d.formId,
    lead_id: d.leadId,
    ad_id: d.adId,
    kind: d.kind,
    redelivery_of: d.redeliveryOf,
    status: d.status,
    attempts: d.attempts,
    created_time: secs(d.createdMs),
    next_attempt_time: d.status === "pending" ? secs(d.nextAttemptMs) : null,
    first_attempt_time: secs(d.firstAttemptMs),
    last_attempt_time: secs(d.lastAttemptMs),
    last_http_status: d.lastStatus,
    last_error: d.lastError,
    finished_time: secs(d.finishedMs),
  };
}

function faultsJson(f: FaultSettings) {
  return {
    drop_percent: f.dropPercent,
    duplicate_percent: f.duplicatePercent,
    delay_ms: f.delayMs,
    delay_jitter_ms: f.delayJitterMs,
    split: f.split,
    reorder: f.reorder,
    pack_entries: f.packEntries,
  };
}

/** Deliveries page by id, newest first: the cursor is a delivery id. */
function deliveryCursor(c: string): string {
  const id = decodeCursor(c);
  if (!/^\d{1,20}$/.test(id)) throw errors.invalidParam("Param after is not a valid cursor");
  return id;
}
