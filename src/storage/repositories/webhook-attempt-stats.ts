import { type Kysely, type RawBuilder, sql } from "kysely";
import {
  ATTEMPT_OUTCOMES,
  type AttemptOutcome,
  type AttemptStats,
  type AttemptStatsQuery,
  type LatencyPercentiles,
} from "../../domain/webhooks/attempt-stats.ts";
import type { Database } from "../schema.ts";

const PERCENTILES = [50, 95, 99] as const;
const zero = (): Record<AttemptOutcome, number> => ({ success: 0, failure: 0, dropped: 0 });
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Delivery attempts per time bucket and outcome, with latency percentiles, computed by the
 * database (webhook_attempts_by_time serves the range). The same SQL runs on SQLite and PostgreSQL:
 * percentiles are nearest-rank, picked with row_number() over the latencies in each bucket, as
 * neither percentile_cont (PostgreSQL only) nor a median function (SQLite has none) is shared.
 * The bucket size is an integer literal so `at_ms / size` is integer division in both.
 */
export async function attemptStats(db: Kysely<Database>, q: AttemptStatsQuery): Promise<AttemptStats> {
  const size = sql.lit(Math.floor(q.bucketMs));
  const inRange = sql`at_ms >= ${q.fromMs} and at_ms < ${q.toMs}${q.appId !== undefined ? sql` and app_id = ${q.appId}` : sql``}`;
  const bucket = sql`at_ms / ${size}`;

  const counts = await sql<{ bucket: number | string; outcome: string; n: number | string }>`
    select ${bucket} as bucket, outcome, count(*) as n from webhook_attempts where ${inRange} group by ${bucket}, outcome`.execute(db);
  const perBucket = await percentiles(db, inRange, bucket);
  const overall = await percentiles(db, inRange, undefined);

  const first = Math.floor(q.fromMs / q.bucketMs);
  const last = Math.floor((q.toMs - 1) / q.bucketMs);
  const buckets = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => ({
    startMs: (first + i) * q.bucketMs,
    counts: zero(),
    ...(perBucket.get(first + i) ?? { p50Ms: null, p95Ms: null, p99Ms: null }),
  }));
  const totalCounts = zero();
  for (const r of counts.rows) {
    const outcome = r.outcome as AttemptOutcome;
    if (!ATTEMPT_OUTCOMES.includes(outcome)) continue;
    const b = buckets[Number(r.bucket) - first];
    if (b) b.counts[outcome] += Number(r.n);
    totalCounts[outcome] += Number(r.n);
  }
  return { buckets, total: { counts: totalCounts, ...(overall.get(0) ?? { p50Ms: null, p95Ms: null, p99Ms: null }) } };
}

/** Percentiles of the attempts that have a latency (a POST was sent), per bucket or (without one) over all. */
async function percentiles(
  db: Kysely<Database>,
  inRange: RawBuilder<unknown>,
  bucket: RawBuilder<unknown> | undefined,
): Promise<Map<number, LatencyPercentiles>> {
  const key = bucket ?? sql`0`;
  const partition = bucket ? sql`partition by ${bucket}` : sql``;
  const picks = PERCENTILES.map((p) => sql`max(case when rn = (${sql.lit(p)} * n + 99) / 100 then latency_ms end) as ${sql.ref(`p${p}`)}`);
  const rows = await sql<{ bucket: number | string; p50: unknown; p95: unknown; p99: unknown }>`
    select bucket, ${sql.join(picks)} from (
      select ${key} as bucket, latency_ms,
        row_number() over (${partition} order by latency_ms) as rn,
        count(*) over (${partition}) as n
      from webhook_attempts where ${inRange} and latency_ms is not null
    ) ranked group by bucket`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.bucket), { p50Ms: num(r.p50), p95Ms: num(r.p95), p99Ms: num(r.p99) }]));
}
