import type { Agent } from "undici";
import type { Services } from "../domain/services.ts";
import { nextAttempt } from "../domain/webhooks/retry-schedule.ts";
import { type LeadgenChange, serializeLeadgenBody } from "../domain/webhooks/payload.ts";
import { packLeadgenPosts } from "../domain/webhooks/post-packing.ts";
import { signWebhookBody } from "../domain/webhooks/signature.ts";
import { type AttemptRecord, CANCEL_REASONS, type DeliveryOutcome, type DeliveryRecord } from "../domain/webhooks/webhook-repository.ts";
import type { DeliveryOutcome as MetricOutcome } from "../domain/metrics.ts";
import type { DeliverySettingsCache } from "./delivery-settings-cache.ts";
import { postWebhook, WEBHOOK_USER_AGENT } from "./post-webhook.ts";

export interface SendContext {
  services: Services;
  agent: Agent;
  cache: DeliverySettingsCache;
  owner: string;
  timeoutMs: number;
  autoDisableHours: number;
  random: () => number;
  /** Most changes in one POST. */
  maxChangesPerPost: number;
  /** Most bytes in one POST body. */
  maxBodyBytes: number;
}

const toChange = (d: DeliveryRecord): LeadgenChange => ({
  leadId: d.leadId,
  pageId: d.pageId,
  formId: d.formId,
  adId: d.adId,
  createdTime: d.leadCreatedTime,
});

/**
 * Sends one claimed batch (one app, one page): applies the app's fault injection, POSTs the signed
 * bodies (one change per entry, each body within the size caps; see post-packing.ts), then records every attempt and the deliveries' new state in one
 * transaction. A crash before that commit leaves the batch leased; it is sent again once the lease
 * expires — the only way a receiver sees a duplicate without fault injection. Returns whether a
 * POST failed (its deliveries may be due again at once).
 */
export async function sendBatch(ctx: SendContext, batch: readonly DeliveryRecord[]): Promise<boolean> {
  const { services } = ctx;
  const store = services.store;
  const first = batch[0];
  if (!first) return false;
  const { app, subscription: sub, settings } = await ctx.cache.app(store, first.appId);
  const install = (await ctx.cache.installs(store, first.pageId)).find((i) => i.appId === first.appId);
  const cancelled = !app
    ? CANCEL_REASONS.app
    : !sub?.fields.includes("leadgen")
      ? CANCEL_REASONS.subscription
      : !install?.subscribedFields.includes("leadgen")
        ? CANCEL_REASONS.install
        : undefined;
  if (cancelled) {
    // Nothing receives these any more (Meta stops sending once a subscription or install is gone).
    await store.webhooks.finish(
      ctx.owner,
      services.clock.nowMs(),
      batch.map((d) => ({ id: d.id, status: "cancelled", httpStatus: null, error: cancelled })),
    );
    services.metrics.webhookDeliveriesCancelled(batch.length);
    return false;
  }
  if (!app || !sub?.active) {
    // Disabled: held until the subscription is re-enabled.
    await store.webhooks.release(
      ctx.owner,
      batch.map((d) => d.id),
    );
    services.metrics.webhookDelivery("released", 0);
    return false;
  }
  const faults = settings.faults;
  const attempts: AttemptRecord[] = [];
  const outcomes: DeliveryOutcome[] = [];
  // Reported once the outcomes are committed, so /metrics never counts a POST whose result was lost.
  const observed: { outcome: MetricOutcome; seconds: number }[] = [];
  const nowMs = services.clock.nowMs();
  const nowSec = Math.floor(nowMs / 1000);
  const attempt = (kind: AttemptRecord["kind"], body: string, deliveries: readonly DeliveryRecord[]): AttemptRecord => {
    const sig = signWebhookBody(app.secret, body);
    return {
      id: services.ids.next(),
      appId: app.id,
      pageId: first.pageId,
      callbackUrl: sub.callbackUrl,
      atMs: nowMs,
      kind,
      outcome: "dropped",
      httpStatus: null,
      latencyMs: null,
      responseExcerpt: null,
      error: null,
      body,
      signature256: sig.sha256,
      signature1: sig.sha1,
      changeCount: deliveries.length,
      instance: ctx.owner,
      deliveryIds: deliveries.map((d) => d.id),
    };
  };

  // Dropping applies to a delivery's first try only: "as if Meta never sent it", so it is never retried.
  const dropped =
    faults.dropPercent > 0 ? batch.filter((d) => d.attempts === 0 && d.kind === "event" && ctx.random() * 100 < faults.dropPercent) : [];
  if (dropped.length > 0) {
    const a = attempt("dropped", serializeLeadgenBody(first.pageId, nowSec, dropped.map(toChange)), dropped);
    a.error = "dropped by fault injection";
    attempts.push(a);
    for (const d of dropped) outcomes.push({ id: d.id, status: "dropped", httpStatus: null, error: "dropped by fault injection" });
    observed.push({ outcome: "dropped", seconds: 0 });
  }
  let toSend = batch.filter((d) => !dropped.includes(d));
  if (faults.reorder) toSend = shuffle(toSend, ctx.random);
  const posts = packLeadgenPosts(first.pageId, nowSec, toSend, toChange, {
    maxChanges: ctx.maxChangesPerPost,
    maxBytes: ctx.maxBodyBytes,
    packEntries: faults.packEntries,
    onePerPost: faults.split,
  });

  let anySuccess = false;
  let anyFailure = false;
  for (const { items: group, body } of posts) {
    const a = attempt("delivery", body, group);
    const headers = {
      "content-type": "application/json",
      "user-agent": WEBHOOK_USER_AGENT,
      "x-hub-signature": a.signature1,
      "x-hub-signature-256": a.signature256,
    };
    const started = performance.now();
    const res = await postWebhook(ctx.agent, sub.callbackUrl, body, headers, ctx.timeoutMs);
    const seconds = (performance.now() - started) / 1000;
    Object.assign(a, {
      outcome: res.ok ? "success" : "failure",
      httpStatus: res.httpStatus,
      latencyMs: res.latencyMs,
      responseExcerpt: res.responseExcerpt,
      error: res.error,
    });
    attempts.push(a);
    for (const d of group) {
      if (res.ok) {
        outcomes.push({ id: d.id, status: "delivered", httpStatus: res.httpStatus, error: null });
        continue;
      }
      const decision = nextAttempt(d.attempts + 1, d.firstAttemptMs ?? nowMs, nowMs, ctx.random);
      outcomes.push(
        decision.kind === "expire"
          ? { id: d.id, status: "expired", httpStatus: res.httpStatus, error: res.error }
          : { id: d.id, status: "pending", nextAttemptMs: decision.atMs, httpStatus: res.httpStatus, error: res.error },
      );
    }
    if (res.ok) anySuccess = true;
    else anyFailure = true;
    // A failed POST is a retry unless every delivery in it has run out of attempts.
    const groupOutcomes = outcomes.slice(-group.length);
    observed.push({ outcome: res.ok ? "delivered" : groupOutcomes.every((o) => o.status === "expired") ? "failed" : "retry", seconds });
    if (res.ok && faults.duplicatePercent > 0 && ctx.random() * 100 < faults.duplicatePercent) {
      const dup = attempt("duplicate", body, group);
      const againStarted = performance.now();
      const again = await postWebhook(ctx.agent, sub.callbackUrl, body, headers, ctx.timeoutMs);
      observed.push({ outcome: again.ok ? "delivered" : "retry", seconds: (performance.now() - againStarted) / 1000 });
      Object.assign(dup, {
        outcome: again.ok ? "success" : "failure",
        httpStatus: again.httpStatus,
        latencyMs: again.latencyMs,
        responseExcerpt: again.responseExcerpt,
        error: again.error,
      });
      attempts.push(dup);
    }
  }

  const disableAfterHours = settings.autoDisableHours ?? ctx.autoDisableHours;
  await store.transaction(async (tx) => {
    for (const a of attempts) await tx.webhooks.recordAttempt(a);
    await tx.webhooks.finish(ctx.owner, nowMs, outcomes);
    if (anySuccess) {
      if (!ctx.cache.clearedRecently(app.id)) await tx.webhooks.setFailing(app.id, false, nowMs);
    } else if (anyFailure) {
      await tx.webhooks.setFailing(app.id, true, nowMs);
      const health = await tx.webhooks.health(app.id);
      if (disableAfterHours > 0 && health?.failingSinceMs != null && nowMs - health.failingSinceMs >= disableAfterHours * 3_600_000) {
        await tx.webhooks.disable(
          app.id,
          nowMs,
          `every delivery failed for ${disableAfterHours} h (last: ${outcomes.at(-1)?.error ?? "unknown"})`,
        );
      }
    }
  });
  if (anySuccess) {
    if (!ctx.cache.clearedRecently(app.id)) ctx.cache.noteHealthy(app.id, true);
  } else if (anyFailure) ctx.cache.noteHealthy(app.id, false);
  for (const o of observed) services.metrics.webhookDelivery(o.outcome, o.seconds);
  return anyFailure;
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  // A shuffle that happens to keep the order reorders nothing; reverse so the fault is visible.
  if (out.length > 1 && out.every((x, k) => x === items[k])) out.reverse();
  return out;
}
