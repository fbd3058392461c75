import type { Caller } from "../access/caller.ts";
import { type Clock, nowSeconds } from "../clock.ts";
import { errors } from "../errors.ts";
import { type Metrics, noMetrics } from "../metrics.ts";
import {
  bucketOf, budgetFor, CALLS_PER_LEAD, leadLookback, MIN_BUDGET_LEADS, minutesToRegain, usagePercent, WINDOW_BUCKETS, windowStartBucket,
} from "./lead-budget.ts";
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
 * Usage above this fraction of the cached budget makes the charge recount the page's leads in the
 * same atomic statement, so the last allowed call and the first refused one are always decided on
 * an exact budget.
 */
const RECOUNT_ABOVE = 0.9;

/** Buckets a day older than the window are deleted at most this often (wall milliseconds). */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The real lead rate limit. Each charge is one atomic storage step (one statement on SQLite, the
 * page's row lock plus that statement on PostgreSQL) that adds the calls only if the window can take
 * them, so concurrent reads of every instance never overshoot the budget and refused calls are not
 * counted.
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
    const range = leadLookback(now);
    let leads = this.#cachedCount(pageId, now) ?? await this.#recount(pageId, now);
    let budget = budgetFor(leads);
    const trustBudgetUpTo = Math.floor(budget * RECOUNT_ABOVE);
    const used = await this.#store.tryCharge({
      pageId, bucket: bucketOf(now), fromBucket: from, calls, now, trustBudgetUpTo,
      callsPerLead: CALLS_PER_LEAD, minLeads: MIN_BUDGET_LEADS, leadsFrom: range.from, leadsTo: range.to,
    });
    // Near the boundary the statement decided on a fresh count; report against that same count.
    if (used === undefined || used > trustBudgetUpTo) {
      leads = await this.#recount(pageId, now);
      budget = budgetFor(leads);
    }
    this.#maybePrune(from);
    if (used !== undefined) {
      const percent = usagePercent(used, budget, false);
      // We meter calls only; reporting time at the same percentage keeps max(call_count, total_cputime,
      // total_time), which is what clients throttle on, equal to the real state.
      report.record(pageId, { callCount: percent, totalCputime: percent, totalTime: percent, estimatedTimeToRegainAccess: 0 });
      return;
    }
    const [forcedUntil, buckets] = await Promise.all([this.#store.forcedUntil(pageId), this.#store.buckets(pageId, from)]);
    const regain = forcedUntil !== null && forcedUntil > now
      ? Math.max(1, Math.ceil((forcedUntil - now) / 60))
      : minutesToRegain(buckets, budget, calls, now);
    report.record(pageId, { callCount: 100, totalCputime: 100, totalTime: 100, estimatedTimeToRegainAccess: regain });
    this.#metrics.rateLimitRefused("lead_read");
    throw errors.leadRateLimited();
  }

  async #recount(pageId: string, now: number): Promise<number> {
    const range = leadLookback(now);
    const leads = await this.#store.countLeads(pageId, range.from, range.to);
    this.#counts.set(pageId, { leads, clockAt: now, wallAt: this.#wallMs() });
    return leads;
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
