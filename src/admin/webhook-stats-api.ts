import { z } from "zod";
import { adminRoute, intInput } from "./admin-spec.ts";

export const MAX_STATS_MINUTES = 24 * 60;

const count = z.number().int().nonnegative();
const counts = {
  /** Attempts the receiver answered with 2xx. */
  delivered: count,
  /** Attempts that failed: a non-2xx answer, a timeout, a refused connection. */
  failed: count,
  /** Attempts swallowed by fault injection (nothing was sent). */
  dropped: count,
};
const ms = z.number().nonnegative().nullable();
const latency = { p50_ms: ms, p95_ms: ms, p99_ms: ms };

const minutes = intInput(1, MAX_STATS_MINUTES).optional().meta({
  minimum: 1,
  maximum: MAX_STATS_MINUTES,
  default: 60,
  description: "Minutes back from now, the current one included.",
});

export const webhookStatsApi = {
  stats: adminRoute({
    method: "GET",
    path: "/webhooks/stats",
    tag: "webhooks",
    summary: "Delivery attempts per minute by outcome, with latency percentiles (aggregated by the database)",
    query: z
      .object({
        minutes,
        app_id: z
          .string()
          .regex(/^\d{1,20}$/, "must be a numeric id")
          .optional(),
      })
      .strict(),
    response: z
      .object({
        since: z.number().int(),
        until: z.number().int(),
        bucket_seconds: z.number().int().positive(),
        data: z.array(z.object({ start_time: z.number().int(), ...counts, ...latency }).strict()),
        totals: z.object({ ...counts, ...latency }).strict(),
      })
      .strict(),
  }),
};
