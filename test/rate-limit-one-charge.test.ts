import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../src/domain/access/caller.ts";
import { bucketOf, budgetFor } from "../src/domain/rate-limit/lead-budget.ts";
import { LeadRateMeter } from "../src/domain/rate-limit/lead-rate-meter.ts";
import { UsageReport } from "../src/domain/rate-limit/meter.ts";
import type { ChargeRequest } from "../src/domain/rate-limit/usage-store.ts";
import { KyselyLeadUsageRepository } from "../src/storage/repositories/lead-usage-repository.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "3001";

/** The real counters, counting the charges that reach them. */
class CountedUsage extends KyselyLeadUsageRepository {
  charges = 0;
  refunds = 0;
  override tryCharge(r: ChargeRequest): Promise<number | undefined> {
    this.charges++;
    return super.tryCharge(r);
  }
  override refund(pageId: string, bucket: number, calls: number): Promise<void> {
    this.refunds++;
    return super.refund(pageId, bucket, calls);
  }
}

/**
 * Many reads of one busy page arriving together when its block is spent: one of them reserves
 * the next block and the others draw on it, instead of each reserving one and giving it back
 * (which queued every read of the page on the counters' lock).
 */
describe.each(databaseKinds())("one charge of a page at a time per instance (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(120) });
  });
  afterAll(async () => h?.close());

  it("reserves one block for reads arriving together, and spends exactly what they read", async () => {
    const usage = new CountedUsage(h.runtime.connection.db);
    const meter = new LeadRateMeter(usage, h.clock, {
      leases: { fraction: 1 / 1024, minCalls: 16, maxCalls: 10_000, lifetimeMs: 600_000 },
    });
    await usage.reset(PAGE);
    await usage.add(PAGE, bucketOf(TEST_NOW), budgetFor(122) / 2);
    const caller = {} as Caller;
    // The first read learns the page's usage (charged alone).
    await meter.charge(caller, PAGE, 1, new UsageReport());
    usage.charges = 0;
    await Promise.all(Array.from({ length: 64 }, () => meter.charge(caller, PAGE, 1, new UsageReport())));
    expect(usage.charges).toBe(1);
    expect(usage.refunds).toBe(0);
    await meter.settle();
    const stored = (await usage.buckets(PAGE, 0)).reduce((n, b) => n + b.calls, 0);
    expect(stored).toBe(budgetFor(122) / 2 + 65);
  });
});
