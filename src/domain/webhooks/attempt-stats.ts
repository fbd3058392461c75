/** Outcomes of a delivery attempt, as the attempt log records them. */
export const ATTEMPT_OUTCOMES = ["success", "failure", "dropped"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface AttemptStatsQuery {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
  bucketMs: number;
  appId?: string;
}

/** Latency percentiles (nearest rank) of the attempts that sent a POST; null when none did. */
export interface LatencyPercentiles {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface AttemptBucket extends LatencyPercentiles {
  /** Start of the bucket, milliseconds. */
  startMs: number;
  counts: Record<AttemptOutcome, number>;
}

export interface AttemptStats {
  /** Every bucket of the range, oldest first, empty ones included. */
  buckets: AttemptBucket[];
  total: LatencyPercentiles & { counts: Record<AttemptOutcome, number> };
}
