import type { Caller } from "../access/caller.ts";
import { type Clock, nowSeconds } from "../clock.ts";
import { errors } from "../errors.ts";
import { type Metrics, noMetrics } from "../metrics.ts";
import { bucketOf, budgetFor, leadLookback, minutesToRegain, usagePercent, WINDOW_BUCKETS, windowStartBucket } from "./lead-budget.ts";
import type { LeadReadMeter, UsageReport } from "./meter.ts";
import type { LeadUsageStore } from "./usage-store.ts";

export interface LeadRateMeterOptions {
  /** How long a page's 90-day lead count is reused (wall milliseconds); 0 disables the cache. */
  budgetCacheMs?: number;
  /** Wall time source for the cache only (never for a rule). */
  wallMs?: () => number;
  /** Counts refusals (`leadgraph_rate_limit_refusals_total{limit="lead_read"}`). */
  metrics?: Metrics;
}

interface CachedCount {
  leads: number;
  clockAt: number;
  wallAt: number;
}

/**
 * Decisions closer to the budget than this fraction recount the page's leads inside the lock, so
 * the last allowed call and the first refused one are always decided on an exact budget.
 */
const RECOUNT_ABOVE = 0.9;

/** Buckets a day older than the window are deleted at most this often (wall milliseconds). */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The real lead rate limit. Each charge runs under the page's lock (one transaction, shared by
 * every instance on the database): read the window's usage, decide, and only then add the calls,
 * so concurrent reads never overshoot the budget and refused calls are not counted.
 */
export class LeadRateMeter implements LeadReadMeter {
  readonly #store: LeadUsageStore;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  readonly #wallMs: () => number;
  readonly #metrics: Metrics;
  readonly #counts = new Map<string, CachedCount>();
  #prunedAt = 0;

  constructor(store: LeadUsageStore, clock: Clock, options: LeadRateMeterOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#cacheMs = options.budgetCacheMs ?? 5_000;
    this.#wallMs = options.wallMs ?? Date.now;
    this.#metrics = options.metrics ?? noMetrics;
  }

  async charge(_caller: Caller, pageId: string, calls: number, report: UsageReport): Promise<void> {
    const now = nowSeconds(this.#clock);
    const from = windowStartBucket(now);
    const outcome = await this.#store.withPage(pageId, async (tx) => {
      const used = await tx.used(from);
      let leads = this.#cachedCount(pageId, now);
      if (leads === undefined || used + calls > budgetFor(leads) * RECOUNT_ABOVE) {
        const range = leadLookback(now);
        leads = await tx.countLeads(range.from, range.to);
        this.#counts.set(pageId, { leads, clockAt: now, wallAt: this.#wallMs() });
      }
      const budget = budgetFor(leads);
      const forced = tx.forcedUntil !== null && tx.forcedUntil > now;
      if (forced || used + calls > budget) {
        const regain = forced
          ? Math.max(1, Math.ceil((tx.forcedUntil! - now) / 60))
          : minutesToRegain(await tx.buckets(from), budget, calls, now);
        return { allowed: false, used, budget, regain };
      }
      await tx.add(bucketOf(now), calls);
      return { allowed: true, used: used + calls, budget, regain: 0 };
    });
    this.#maybePrune(from);
    const percent = usagePercent(outcome.used, outcome.budget, !outcome.allowed);
    // We meter calls only; reporting time at the same percentage keeps max(call_count, total_cputime,
    // total_time), which is what clients throttle on, equal to the real state.
    report.record(pageId, {
      callCount: percent, totalCputime: percent, totalTime: percent, estimatedTimeToRegainAccess: outcome.regain,
    });
    if (!outcome.allowed) {
      this.#metrics.rateLimitRefused("lead_read");
      throw errors.leadRateLimited();
    }
  }

  /** Forgets cached lead counts (after admin changes, so the next decision recounts). */
  forget(pageId?: string): void {
    if (pageId === undefined) this.#counts.clear();
    else this.#counts.delete(pageId);
  }

  #maybePrune(windowStart: number): void {
    const wall = this.#wallMs();
    if (wall - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = wall;
    // A day of slack: a manual clock moved back a little still finds its buckets.
    void this.#store.prune(windowStart - WINDOW_BUCKETS).catch(() => undefined);
  }

  #cachedCount(pageId: string, now: number): number | undefined {
    const c = this.#counts.get(pageId);
    if (!c) return undefined;
    // A moved manual clock changes which leads are in the 90 days: the count is only reused for
    // the same clock second range and a short wall interval.
    const fresh = this.#wallMs() - c.wallAt <= this.#cacheMs && Math.abs(now - c.clockAt) * 1000 <= this.#cacheMs;
    return fresh ? c.leads : undefined;
  }
}
