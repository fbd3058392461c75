import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bucketOf, CALLS_PER_LEAD, MIN_BUDGET_LEADS, WINDOW_BUCKETS, windowStartBucket } from "../src/domain/rate-limit/lead-budget.ts";
import type { ChargeRequest } from "../src/domain/rate-limit/usage-store.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "3001";

/**
 * The window's usage comes from running totals (newest bucket's total minus the total before the
 * window), so it must equal the plain sum of the window's buckets whatever order buckets were
 * written in: a full day of buckets, buckets written behind newer ones, buckets outside the window.
 */
describe.each(databaseKinds())("lead rate limit running totals (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => h.runtime.leadUsage.reset(PAGE));

  const request = (now: number, calls = 1, trustBudgetUpTo = 1e12): ChargeRequest => ({
    pageId: PAGE,
    bucket: bucketOf(now),
    fromBucket: windowStartBucket(now),
    calls,
    now,
    trustBudgetUpTo,
    callsPerLead: CALLS_PER_LEAD,
    minLeads: MIN_BUDGET_LEADS,
    leadsFrom: now - 90 * 86_400,
    leadsTo: now,
  });
  const windowSum = async (now: number) =>
    (await h.runtime.leadUsage.buckets(PAGE, windowStartBucket(now))).reduce((n, b) => n + b.calls, 0);

  it("answers the window's usage after a full day of buckets, and drops what slid out", async () => {
    const now = TEST_NOW;
    // Two days of one call a minute, written oldest first: only the last 1,439 minutes are in the window.
    for (let m = 2 * WINDOW_BUCKETS; m >= 1; m -= 37) await h.runtime.leadUsage.add(PAGE, bucketOf(now) - m, (m % 5) + 1);
    const expected = (await windowSum(now)) + 1;
    expect(await h.runtime.leadUsage.tryCharge(request(now))).toBe(expected);
    expect(await windowSum(now)).toBe(expected);
    // An hour later the oldest buckets have slid out.
    const later = now + 3600;
    const expectedLater = (await windowSum(later)) + 3;
    expect(await h.runtime.leadUsage.tryCharge(request(later, 3))).toBe(expectedLater);
  });

  it("keeps totals right when buckets are written behind newer ones (a clock moved back)", async () => {
    const now = TEST_NOW;
    await h.runtime.leadUsage.add(PAGE, bucketOf(now), 10);
    await h.runtime.leadUsage.add(PAGE, bucketOf(now) - 30, 5);
    // The charge lands 10 minutes back, behind the newest bucket.
    const back = now - 600;
    expect(await h.runtime.leadUsage.tryCharge(request(back, 2))).toBe(17);
    // And a charge at the newest minute still sees everything.
    expect(await h.runtime.leadUsage.tryCharge(request(now, 1))).toBe(18);
    expect(await windowSum(now)).toBe(18);
  });

  it("refuses past the exact budget whichever path decides, charging nothing", async () => {
    const now = TEST_NOW;
    const leads = await h.runtime.leadUsage.countLeads(PAGE, now - 90 * 86_400, now);
    const budget = CALLS_PER_LEAD * Math.max(leads, MIN_BUDGET_LEADS);
    await h.runtime.leadUsage.add(PAGE, bucketOf(now) - 5, budget - 1);
    // The trusted part is 0: the exact path decides.
    expect(await h.runtime.leadUsage.tryCharge(request(now, 1, 0))).toBe(budget);
    expect(await h.runtime.leadUsage.tryCharge(request(now, 1, 0))).toBeUndefined();
    expect(await h.runtime.leadUsage.tryCharge(request(now - 120, 1, 0))).toBeUndefined();
    expect(await windowSum(now)).toBe(budget);
  });
});
