import type { GraphApiError } from "./graph-api-error.ts";

/** How a client retries; all times in milliseconds. */
export interface RetryPolicy {
  /** Attempts after the first one. Default 5. */
  maxRetries: number;
  /** First backoff delay. Default 500. */
  baseDelayMs: number;
  /** Largest single wait, including waits Graph asks for through the usage header. Default 5 minutes. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 300_000 };

/**
 * The wait before retry number `attempt` (1-based), or undefined when the error must not be retried.
 * Exponential backoff with full jitter; a rate limit waits at least what Graph's
 * `estimated_time_to_regain_access` says (capped at maxDelayMs).
 */
export function retryDelay(error: GraphApiError, attempt: number, policy: RetryPolicy, random: () => number): number | undefined {
  if (!error.retryable || attempt > policy.maxRetries) return undefined;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  let delay = Math.round(exp / 2 + random() * (exp / 2));
  if (error.isRateLimit) {
    const regain = (error.regainAccessSeconds ?? 0) * 1000;
    delay = Math.max(delay * 2, regain);
  }
  return Math.min(policy.maxDelayMs, delay);
}
