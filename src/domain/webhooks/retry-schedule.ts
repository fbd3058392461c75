/**
 * When to try a failed delivery again. Meta retries "immediately, then a few more times with
 * decreasing frequency over 36 hours"; ours: attempt 2 at once, then 10 s, 1 min, 5 min, 15 min,
 * 30 min, 1 h, 2 h, and every 4 h after that, each (but the immediate one) jittered by ±20 % so a
 * receiver coming back is not hit by every sender at the same instant. The last try happens at the
 * 36-hour mark at the latest; a delivery still failing then is expired.
 */
export const RETRY_WINDOW_MS = 36 * 3600 * 1000;

const BASE_DELAYS_MS = [0, 10_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000] as const;
const STEADY_DELAY_MS = 4 * 3600 * 1000;
const JITTER = 0.2;

/** Delay after the `failedAttempts`-th consecutive failure (1-based); `random` returns [0, 1). */
export function nextDelay(failedAttempts: number, random: () => number): number {
  const base = BASE_DELAYS_MS[failedAttempts - 1] ?? STEADY_DELAY_MS;
  if (base === 0) return 0;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

export type RetryDecision = { kind: "retry"; atMs: number } | { kind: "expire" };

/** The next attempt time, clamped to the end of the window, or expiry once the window is over. */
export function nextAttempt(failedAttempts: number, firstAttemptMs: number, nowMs: number, random: () => number): RetryDecision {
  const deadline = firstAttemptMs + RETRY_WINDOW_MS;
  if (nowMs >= deadline) return { kind: "expire" };
  return { kind: "retry", atMs: Math.min(nowMs + nextDelay(failedAttempts, random), deadline) };
}
