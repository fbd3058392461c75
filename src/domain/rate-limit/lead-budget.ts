/**
 * The lead rate limit's pure rules: per page, per rolling 24 hours, 200 × 24 calls for each lead
 * created for the page in the past 90 days. Counters are kept in one-minute buckets, so the window
 * is "the 1,440 buckets ending with the current minute".
 */
export const CALLS_PER_LEAD = 200 * 24;
export const WINDOW_SECONDS = 24 * 3600;
export const BUCKET_SECONDS = 60;
export const WINDOW_BUCKETS = WINDOW_SECONDS / BUCKET_SECONDS;
export const LEAD_LOOKBACK_SECONDS = 90 * 86_400;

/**
 * A page with no leads in the past 90 days is budgeted as if it had one: it can still be polled
 * (an integration checking an empty form) 4,800 times a day instead of being locked out forever.
 */
export const MIN_BUDGET_LEADS = 1;

export const budgetFor = (recentLeads: number): number => CALLS_PER_LEAD * Math.max(recentLeads, MIN_BUDGET_LEADS);

export const bucketOf = (nowSeconds: number): number => Math.floor(nowSeconds / BUCKET_SECONDS);

/** The oldest bucket still inside the window that ends with the bucket of `nowSeconds`. */
export const windowStartBucket = (nowSeconds: number): number => bucketOf(nowSeconds) - WINDOW_BUCKETS + 1;

/** `[from, to]` created_time range whose leads count toward the budget. */
export const leadLookback = (nowSeconds: number): { from: number; to: number } => ({
  from: nowSeconds - LEAD_LOOKBACK_SECONDS,
  to: nowSeconds,
});

/** `call_count` of X-Business-Use-Case-Usage: integer percent of the budget used, 100 when limited. */
export function usagePercent(used: number, budget: number, limited: boolean): number {
  if (limited) return 100;
  return Math.min(100, Math.floor((used * 100) / budget));
}

/**
 * Minutes until `calls` more fit in the budget, given the window's buckets (oldest first): the
 * time when enough old buckets have slid out of the window. 0 when they fit now.
 */
export function minutesToRegain(
  buckets: readonly { bucket: number; calls: number }[],
  budget: number,
  calls: number,
  nowSeconds: number,
): number {
  let used = buckets.reduce((n, b) => n + b.calls, 0);
  if (used + calls <= budget) return 0;
  for (const b of buckets) {
    used -= b.calls;
    if (used + calls <= budget) {
      const freedAt = (b.bucket + WINDOW_BUCKETS) * BUCKET_SECONDS;
      return Math.max(1, Math.ceil((freedAt - nowSeconds) / 60));
    }
  }
  // Even an empty window cannot hold `calls` (more calls than the whole budget): a full day.
  return WINDOW_SECONDS / 60;
}
