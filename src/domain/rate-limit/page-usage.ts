import { type Clock, nowSeconds } from "../clock.ts";
import { BUCKET_SECONDS, budgetFor, leadLookback, minutesToRegain, usagePercent, windowStartBucket } from "./lead-budget.ts";
import type { LeadUsageStore } from "./usage-store.ts";

export interface HourUsage {
  /** Unix seconds of the hour's start. */
  hourStart: number;
  calls: number;
}

/** One page's lead rate limit as the admin API and console show it. */
export interface PageUsage {
  pageId: string;
  leads90d: number;
  budget: number;
  used: number;
  callCount: number;
  limited: boolean;
  forcedUntil: number | null;
  estimatedTimeToRegainAccess: number;
  /** The last 24 hours, oldest first, one entry per clock hour (the current one partial). */
  hourly: HourUsage[];
}

/** Reads a page's usage without charging anything (admin, console, CLI). */
export async function pageUsage(store: LeadUsageStore, clock: Clock, pageId: string): Promise<PageUsage> {
  const now = nowSeconds(clock);
  const from = windowStartBucket(now);
  const range = leadLookback(now);
  const [buckets, leads90d, forcedUntil] = await Promise.all([
    store.buckets(pageId, from),
    store.countLeads(pageId, range.from, range.to),
    store.forcedUntil(pageId),
  ]);
  const budget = budgetFor(leads90d);
  const used = buckets.reduce((n, b) => n + b.calls, 0);
  const forced = forcedUntil !== null && forcedUntil > now;
  const limited = forced || used + 1 > budget;
  const currentHour = Math.floor(now / 3600) * 3600;
  const hourly: HourUsage[] = [];
  for (let h = 23; h >= 0; h--) hourly.push({ hourStart: currentHour - h * 3600, calls: 0 });
  for (const b of buckets) {
    const slot = hourly.find((x) => b.bucket * BUCKET_SECONDS >= x.hourStart && b.bucket * BUCKET_SECONDS < x.hourStart + 3600);
    if (slot) slot.calls += b.calls;
  }
  return {
    pageId,
    leads90d,
    budget,
    used,
    callCount: usagePercent(used, budget, limited),
    limited,
    forcedUntil: forced ? forcedUntil : null,
    estimatedTimeToRegainAccess: forced ? Math.max(1, Math.ceil((forcedUntil - now) / 60)) : minutesToRegain(buckets, budget, 1, now),
    hourly,
  };
}
