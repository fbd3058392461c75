import { z } from "zod";
import { errors } from "../domain/errors.ts";
import type { AttemptBucket, LatencyPercentiles } from "../domain/webhooks/attempt-stats.ts";
import type { HttpModule } from "../http/modules.ts";
import { adminRouter } from "./admin-kit.ts";

const BUCKET_MS = 60_000;
const DEFAULT_MINUTES = 60;
const MAX_MINUTES = 24 * 60;

const counts = {
  /** Attempts the receiver answered with 2xx. */
  delivered: z.number().int().nonnegative(),
  /** Attempts that failed: a non-2xx answer, a timeout, a refused connection. */
  failed: z.number().int().nonnegative(),
  /** Attempts swallowed by fault injection (nothing was sent). */
  dropped: z.number().int().nonnegative(),
};
const latency = { p50_ms: z.number().nonnegative().nullable(), p95_ms: z.number().nonnegative().nullable(), p99_ms: z.number().nonnegative().nullable() };

/** The answer of `GET /_leadgraph/admin/webhooks/stats`; checked before it is sent. */
export const webhookStatsSchema = z.object({
  since: z.number().int(),
  until: z.number().int(),
  bucket_seconds: z.number().int().positive(),
  data: z.array(z.object({ start_time: z.number().int(), ...counts, ...latency }).strict()),
  totals: z.object({ ...counts, ...latency }).strict(),
}).strict();
export type WebhookStats = z.infer<typeof webhookStatsSchema>;

const latencyJson = (p: LatencyPercentiles) => ({ p50_ms: p.p50Ms, p95_ms: p.p95Ms, p99_ms: p.p99Ms });
const countsJson = (c: AttemptBucket["counts"]) => ({ delivered: c.success, failed: c.failure, dropped: c.dropped });

/**
 * `GET /_leadgraph/admin/webhooks/stats?minutes=60[&app_id=…]`: delivery attempts per minute by
 * outcome, with latency percentiles, over the last `minutes` (by the server's clock, the current
 * minute included). The database aggregates (storage/repositories/webhook-attempt-stats.ts), so the
 * answer stays small however many attempts there were.
 */
export const webhookStatsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const router = adminRouter(app, runtime, publicUrl);
  router.get("/webhooks/stats", async (req) => {
    const minutes = req.query.minutes === undefined ? DEFAULT_MINUTES : Number(req.query.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) {
      throw errors.invalidParam(`Param minutes must be an integer from 1 to ${MAX_MINUTES} - got ${JSON.stringify(req.query.minutes).slice(0, 40)}`);
    }
    const appId = req.query.app_id;
    if (appId !== undefined && !/^\d{1,20}$/.test(appId)) throw errors.invalidParam("Param app_id must be a numeric id");
    const nowMs = runtime.services.clock.nowMs();
    const toMs = (Math.floor(nowMs / BUCKET_MS) + 1) * BUCKET_MS;
    const fromMs = toMs - minutes * BUCKET_MS;
    const stats = await runtime.services.store.webhooks.attemptStats({ fromMs, toMs, bucketMs: BUCKET_MS, ...(appId !== undefined ? { appId } : {}) });
    return webhookStatsSchema.parse({
      since: fromMs / 1000, until: toMs / 1000, bucket_seconds: BUCKET_MS / 1000,
      data: stats.buckets.map((b) => ({ start_time: b.startMs / 1000, ...countsJson(b.counts), ...latencyJson(b) })),
      totals: { ...countsJson(stats.total.counts), ...latencyJson(stats.total) },
    } satisfies WebhookStats);
  });
};
