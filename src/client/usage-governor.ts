import type { UsageSnapshot } from "./usage.ts";

/** When and how much to slow down; all times in milliseconds. */
export interface UsageGovernorOptions {
  /** Usage percentage at which calls start to be spaced out. Default 75. */
  slowDownAt?: number;
  /** Pause before each call when usage reaches 100%. Default 10,000. */
  maxPauseMs?: number;
  /** Longest pause taken for a reported `estimated_time_to_regain_access`. Default 300,000. */
  maxRegainWaitMs?: number;
}

/**
 * Spaces calls out as the usage headers approach the budget, so a long backfill slows down before
 * Graph starts answering 80005 rather than after. Pauses grow quadratically from `slowDownAt` to 100%.
 */
export class UsageGovernor {
  readonly #slowDownAt: number;
  readonly #maxPauseMs: number;
  readonly #maxRegainWaitMs: number;
  #last: UsageSnapshot | undefined;
  #lastAt = 0;
  /** Number of pauses taken (for status reporting). */
  pauses = 0;
  /** Total time paused, in milliseconds. */
  pausedMs = 0;

  constructor(opts: UsageGovernorOptions = {}) {
    this.#slowDownAt = opts.slowDownAt ?? 75;
    this.#maxPauseMs = opts.maxPauseMs ?? 10_000;
    this.#maxRegainWaitMs = opts.maxRegainWaitMs ?? 300_000;
  }

  /** Records the usage reported by the latest answer. */
  observe(snapshot: UsageSnapshot, atMs: number): void {
    this.#last = snapshot;
    this.#lastAt = atMs;
  }

  /** The latest usage seen, if any. */
  get last(): UsageSnapshot | undefined {
    return this.#last;
  }

  /** How long to wait before the next call, given the latest usage. */
  pauseBefore(nowMs: number): number {
    const u = this.#last;
    if (!u) return 0;
    if (u.regainAccessSeconds > 0) {
      const until = this.#lastAt + u.regainAccessSeconds * 1000;
      return Math.max(0, Math.min(this.#maxRegainWaitMs, until - nowMs));
    }
    if (u.percent < this.#slowDownAt) return 0;
    const f = Math.min(1, (u.percent - this.#slowDownAt) / Math.max(1, 100 - this.#slowDownAt));
    return Math.round(this.#maxPauseMs * f * f);
  }

  /** Accounts a pause that was taken. */
  tookPause(ms: number): void {
    if (ms <= 0) return;
    this.pauses += 1;
    this.pausedMs += ms;
  }
}
