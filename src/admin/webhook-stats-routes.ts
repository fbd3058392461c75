import type { AttemptBucket, LatencyPercentiles } from "../domain/webhooks/attempt-stats.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes } from "./admin-kit.ts";
import { webhookStatsApi } from "./webhook-stats-api.ts";

const BUCKET_MS = 60_000;
const DEFAULT_MINUTES = 60;

const latencyJson = (p: LatencyPercentiles) => ({ p50_ms: p.p50Ms, p95_ms: p.p95Ms, p99_ms: p.p99Ms });
const countsJson = (c: AttemptBucket["counts"]) => ({ delivered: c.success, failed: c.failure, dropped: c.dropped });

/**
 * Delivery attempts per minute by outcome over the last `minutes` (by the server's clock, the
 * current minute included). The database aggregates (storage/repositories/webhook-attempt-stats.ts),
 * so the answer stays small however many attempts there were.
 */
export const webhookStatsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  add(webhookStatsApi.stats, async ({ query }) => {
    const minutes = query.minutes ?? DEFAULT_MINUTES;
    const toMs = (Math.floor(runtime.services.clock.nowMs() / BUCKET_MS) + 1) * BUCKET_MS;
    const fromMs = toMs - minutes * BUCKET_MS;
    const stats = await runtime.services.store.webhooks.attemptStats({
      fromMs,
      toMs,
      bucketMs: BUCKET_MS,
      ...(query.app_id !== undefined ? { appId: query.app_id } : {}),
    });
    return {
      since: fromMs / 1000,
      until: toMs / 1000,
      bucket_seconds: BUCKET_MS / 1000,
      data: stats.buckets.map((b) => ({ start_time: b.startMs / 1000, ...countsJson(b.counts), ...latencyJson(b) })),
      totals: { ...countsJson(stats.total.counts), ...latencyJson(stats.total) },
    };
  });
};
