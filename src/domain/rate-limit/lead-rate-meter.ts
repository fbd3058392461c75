import type { Caller } from "../access/caller.ts";
import { type Clock, nowSeconds } from "../clock.ts";
import { errors } from "../errors.ts";
import { type Metrics, noMetrics } from "../metrics.ts";
import {
  bucketOf,
  budgetFor,
  CALLS_PER_LEAD,
  leadLookback,
  MIN_BUDGET_LEADS,
  minutesToRegain,
  usagePercent,
  WINDOW_BUCKETS,
  windowStartBucket,
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
  /** How reads of a busy page are reserved in blocks (see Lease); `false` charges every read alone. */
  leases?: LeaseOptions | false;
}

export interface LeaseOptions {
  /** A block is at most this fraction of what the trusted budget has left (default 1/1024). */
  fraction: number;
  /** Smaller blocks are not worth it: below this the read is charged alone (default 16 calls). */
  minCalls: number;
  /** Largest block (default 10,000 calls). */
  maxCalls: number;
  /** Wall milliseconds a block may be drawn on (default 1,000). */
  lifetimeMs: number;
}

const DEFAULT_LEASES: LeaseOptions = { fraction: 1 / 1024, minCalls: 16, maxCalls: 10_000, lifetimeMs: 1_000 };

/**
 * Calls this instance charged to the page ahead of its reads, in one bucket: reads draw on it in
 * memory instead of writing the counters. Unused calls are given back when the lease ends.
 */
interface Lease {
  bucket: number;
  left: number;
  /** Window usage right after the block was charged (all instances, including the whole block). */
  usedAtGrant: number;
  budget: number;
  untilWall: number;
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
 *
 * A page read often, far from its limit, is charged in blocks (leases): a charge reserves a small
 * fraction of the trusted budget's remainder at once and the next reads draw on it in memory, so
 * most reads write nothing (a write per read serialised every read of every instance on the
 * database's write lock or the page's row lock). The reservation is real, so instances together
 * still never exceed the budget; a block's unused calls are given back when it ends (its minute
 * ends, it runs out, a second passes, the page's limits change or the server stops). Near the limit
 * (past the trusted part of the budget) and for small budgets no block is taken, so the last allowed
 * call and the first refused one are decided exactly, as before.
 */
export class LeadRateMeter implements LeadReadMeter {
  readonly #store: LeadUsageStore;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  readonly #wallMs: () => number;
  readonly #metrics: Metrics;
  readonly #counts = new Map<string, CachedCount>();
  readonly #leaseOptions: LeaseOptions | false;
  readonly #leases = new Map<string, Lease>();
  /** Blocks displaced by a newer one, being given back. */
  readonly #givingBack = new Set<Promise<void>>();
  /** The page's window usage as of this instance's last charge: sizes the next block. */
  readonly #lastUsed = new Map<string, number>();
  /** The charge of a page this instance is making against the stored counters, if any. */
  readonly #charging = new Map<string, Promise<void>>();
  #prunedAt = 0;

  constructor(store: LeadUsageStore, clock: Clock, options: LeadRateMeterOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#cacheMs = options.budgetCacheMs ?? 5_000;
    this.#wallMs = options.wallMs ?? Date.now;
    this.#metrics = options.metrics ?? noMetrics;
    this.#leaseOptions = options.leases === undefined ? DEFAULT_LEASES : options.leases;
  }

  async charge(_caller: Caller, pageId: string, calls: number, report: UsageReport): Promise<void> {
    const now = nowSeconds(this.#clock);
    const bucket = bucketOf(now);
    for (;;) {
      const lease = this.#leases.get(pageId);
      if (lease !== undefined && lease.bucket === bucket && lease.left >= calls && this.#wallMs() < lease.untilWall) {
        lease.left -= calls;
        this.#reportUsed(report, pageId, lease.usedAtGrant - lease.left, lease.budget);
        return;
      }
      const charging = this.#charging.get(pageId);
      if (charging === undefined) break;
      await charging;
    }
    // One charge of a page at a time per instance: the reads that find its lease spent wait for the
    // next block here instead of each reserving (and then giving back) a block of its own, which
    // queued every read of a busy page on the counters' lock (PostgreSQL: the page's row lock).
    let charged!: () => void;
    this.#charging.set(
      pageId,
      new Promise<void>((resolve) => {
        charged = resolve;
      }),
    );
    try {
      await this.#chargeStored(pageId, calls, report, now, bucket);
    } finally {
      this.#charging.delete(pageId);
      charged();
    }
  }

  async #chargeStored(pageId: string, calls: number, report: UsageReport, now: number, bucket: number): Promise<void> {
    const lease = this.#leases.get(pageId);
    if (lease !== undefined) await this.#endLease(pageId, lease);
    const from = windowStartBucket(now);
    const range = leadLookback(now);
    let leads = this.#cachedCount(pageId, now) ?? (await this.#recount(pageId, now));
    let budget = budgetFor(leads);
    const trustBudgetUpTo = Math.floor(budget * RECOUNT_ABOVE);
    const charge = (n: number) =>
      this.#store.tryCharge({
        pageId,
        bucket,
        fromBucket: from,
        calls: n,
        now,
        trustBudgetUpTo,
        callsPerLead: CALLS_PER_LEAD,
        minLeads: MIN_BUDGET_LEADS,
        leadsFrom: range.from,
        leadsTo: range.to,
      });
    const block = this.#blockSize(pageId, calls, trustBudgetUpTo);
    let used = block > 0 ? await charge(calls + block) : undefined;
    if (used !== undefined) {
      this.#startLease(pageId, { bucket, left: block, usedAtGrant: used, budget });
      used -= block;
    } else {
      used = await charge(calls);
    }
    // A refusal leaves the next charge without a block (it learns the usage again first).
    if (used !== undefined) this.#lastUsed.set(pageId, used);
    else this.#lastUsed.delete(pageId);
    // Near the boundary the statement decided on a fresh count; report against that same count.
    if (used === undefined || used > trustBudgetUpTo) {
      leads = await this.#recount(pageId, now);
      budget = budgetFor(leads);
    }
    this.#maybePrune(from);
    if (used !== undefined) {
      this.#reportUsed(report, pageId, used, budget);
      return;
    }
    const [forcedUntil, buckets] = await Promise.all([this.#store.forcedUntil(pageId), this.#store.buckets(pageId, from)]);
    const regain =
      forcedUntil !== null && forcedUntil > now
        ? Math.max(1, Math.ceil((forcedUntil - now) / 60))
        : minutesToRegain(buckets, budget, calls, now);
    report.record(pageId, { callCount: 100, totalCputime: 100, totalTime: 100, estimatedTimeToRegainAccess: regain });
    this.#metrics.rateLimitRefused("lead_read");
    throw errors.leadRateLimited();
  }

  #reportUsed(report: UsageReport, pageId: string, used: number, budget: number): void {
    const percent = usagePercent(used, budget, false);
    // We meter calls only; reporting time at the same percentage keeps max(call_count, total_cputime,
    // total_time), which is what clients throttle on, equal to the real state.
    report.record(pageId, { callCount: percent, totalCputime: percent, totalTime: percent, estimatedTimeToRegainAccess: 0 });
  }

  /**
   * Calls to reserve beyond this charge: a fraction of what the trusted budget had left at this
   * instance's last charge of the page, 0 when that is unknown (the first charge learns it) or the
   * block would be too small to matter.
   */
  #blockSize(pageId: string, calls: number, trustBudgetUpTo: number): number {
    const o = this.#leaseOptions;
    const lastUsed = this.#lastUsed.get(pageId);
    if (o === false || lastUsed === undefined) return 0;
    const block = Math.min(o.maxCalls, Math.floor((trustBudgetUpTo - lastUsed - calls) * o.fraction));
    return block >= o.minCalls ? block : 0;
  }

  #startLease(pageId: string, block: Omit<Lease, "untilWall">): void {
    const lifetimeMs = this.#leaseOptions === false ? 0 : this.#leaseOptions.lifetimeMs;
    // Two charges of the page may both have found no usable lease; the older block is given back.
    const previous = this.#leases.get(pageId);
    this.#leases.set(pageId, { ...block, untilWall: this.#wallMs() + lifetimeMs });
    if (previous !== undefined) {
      const giving = this.#giveBack(pageId, previous)
        .catch(() => undefined)
        .finally(() => this.#givingBack.delete(giving));
      this.#givingBack.add(giving);
    }
  }

  async #endLease(pageId: string, lease: Lease): Promise<void> {
    // Removed before the await, so a concurrent charge cannot give the same calls back twice.
    if (this.#leases.get(pageId) === lease) this.#leases.delete(pageId);
    await this.#giveBack(pageId, lease);
  }

  async #giveBack(pageId: string, lease: Lease): Promise<void> {
    const left = lease.left;
    lease.left = 0;
    if (left > 0) await this.#store.refund(pageId, lease.bucket, left);
  }

  /**
   * Gives back every unused reserved call, so the counters show exactly the reads made (admin
   * views of usage, and the server stopping).
   */
  async settle(pageId?: string): Promise<void> {
    const ending = [...this.#leases].filter(([id]) => pageId === undefined || id === pageId);
    await Promise.all([...ending.map(([id, lease]) => this.#endLease(id, lease)), ...this.#givingBack]);
  }

  async #recount(pageId: string, now: number): Promise<number> {
    const range = leadLookback(now);
    const leads = await this.#store.countLeads(pageId, range.from, range.to);
    this.#counts.set(pageId, { leads, clockAt: now, wallAt: this.#wallMs() });
    return leads;
  }

  /**
   * After an admin change of the page's limits: gives back its reserved calls and forgets what was
   * cached, so the next read is decided on the stored state (a forced page refuses at once).
   */
  async forget(pageId?: string): Promise<void> {
    await this.settle(pageId);
    if (pageId === undefined) {
      this.#counts.clear();
      this.#lastUsed.clear();
    } else {
      this.#counts.delete(pageId);
      this.#lastUsed.delete(pageId);
    }
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
