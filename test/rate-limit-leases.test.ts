import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nowSeconds } from "../src/domain/clock.ts";
import { bucketOf, budgetFor } from "../src/domain/rate-limit/lead-budget.ts";
import { LeadRateMeter } from "../src/domain/rate-limit/lead-rate-meter.ts";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { KyselyLeadUsageRepository } from "../src/storage/repositories/lead-usage-repository.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "3001";
/** exampleWorld(120): page 3001 has 122 leads in the past 90 days. */
const BUDGET = budgetFor(122);
const TRUSTED = Math.floor(BUDGET * 0.9);
/** The default block: 1/1024 of what the trusted budget has left at the instance's last charge. */
const blockAfter = (lastUsed: number) => Math.min(10_000, Math.floor((TRUSTED - lastUsed - 1) / 1024));

const stored = async (runtime: Runtime, fromBucket = 0) =>
  (await runtime.leadUsage.buckets(PAGE, fromBucket)).reduce((n, b) => n + b.calls, 0);

describe.each(databaseKinds())("lead rate limit blocks (%s)", (kind) => {
  let h: Harness;
  // Blocks live 1 s of wall time: frozen here, so a slow machine never ends one mid-test.
  const wall = new ManualWallClock();
  const admin = () => ({ authorization: `Bearer ${h.runtime.adminKey}` });
  const read = () => h.graph("GET", "/9001", { token: "EAAB-page-acme" });
  const callCount = (res: { headers: Record<string, unknown> }) =>
    JSON.parse(String(res.headers["x-business-use-case-usage"]))[PAGE][0].call_count;

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(120), wallClock: wall });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    h.clock.set(TEST_NOW * 1000);
    await h.runtime.services.meter.forget?.();
    await h.runtime.leadUsage.reset(PAGE);
    await h.runtime.leadUsage.setForced(PAGE, null);
  });

  it("reserves a block for a busy page, serves reads from it without writing, and gives back the rest", async () => {
    const half = BUDGET / 2;
    await h.runtime.leadUsage.add(PAGE, bucketOf(TEST_NOW), half);
    // The first read learns the page's usage and is charged alone.
    expect((await read()).status).toBe(200);
    expect(await stored(h.runtime)).toBe(half + 1);
    // The second one reserves a block beside itself.
    const second = await read();
    expect(second.status).toBe(200);
    const block = blockAfter(half + 1);
    expect(block).toBeGreaterThan(100);
    expect(await stored(h.runtime)).toBe(half + 2 + block);
    // The next reads draw on the block: nothing more is stored, and headers still report the reads made.
    for (let i = 0; i < 20; i++) expect(callCount(await read())).toBe(Math.floor(((half + 3 + i) * 100) / BUDGET));
    expect(await stored(h.runtime)).toBe(half + 2 + block);
    await h.runtime.services.meter.settle!();
    expect(await stored(h.runtime)).toBe(half + 22);
  });

  it("ends a block after its 1 s of wall time: the rest is given back and the next read charges anew", async () => {
    const half = BUDGET / 2;
    await h.runtime.leadUsage.add(PAGE, bucketOf(TEST_NOW), half);
    await read();
    await read();
    const block = blockAfter(half + 1);
    expect(await stored(h.runtime)).toBe(half + 2 + block);
    await read();
    await wall.advance(999);
    await read();
    expect(await stored(h.runtime)).toBe(half + 2 + block);
    await wall.advance(1);
    // The block has ended: its unused calls go back, and this read is charged with a new block
    // sized by the usage the last charge saw.
    await read();
    const next = blockAfter(half + 2);
    expect(await stored(h.runtime)).toBe(half + 5 + next);
  });

  it("shows exact usage in the admin view while a block is open", async () => {
    for (let i = 0; i < 7; i++) expect((await read()).status).toBe(200);
    expect(await stored(h.runtime)).toBeGreaterThan(7);
    const one = await h.app.inject({ method: "GET", url: `/_leadgraph/admin/limits/${PAGE}`, headers: admin() });
    expect(one.json()).toMatchObject({ page_id: PAGE, budget: BUDGET, used: 7 });
    const all = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/limits", headers: admin() });
    expect(all.json().data.find((p: { page_id: string }) => p.page_id === PAGE)).toMatchObject({ used: 7 });
  });

  it("ends a block with its minute: each minute's bucket holds the reads made in it", async () => {
    for (let i = 0; i < 5; i++) await read();
    const first = bucketOf(TEST_NOW);
    h.clock.set((TEST_NOW + 60) * 1000);
    for (let i = 0; i < 3; i++) await read();
    await h.runtime.services.meter.settle!();
    const buckets = await h.runtime.leadUsage.buckets(PAGE, 0);
    expect(buckets).toEqual([
      { bucket: first, calls: 5 },
      { bucket: first + 1, calls: 3 },
    ]);
  });

  it("applies a page forced through the admin API at once, block or not", async () => {
    for (let i = 0; i < 5; i++) await read();
    expect(await stored(h.runtime)).toBeGreaterThan(5);
    const forced = await h.app.inject({
      method: "POST",
      url: `/_leadgraph/admin/limits/${PAGE}/force`,
      headers: admin(),
      payload: { for: "1h" },
    });
    expect(forced.json()).toMatchObject({ limited: true, used: 5 });
    expect((await read()).body.error.code).toBe(80005);
    await h.app.inject({ method: "DELETE", url: `/_leadgraph/admin/limits/${PAGE}/force`, headers: admin() });
    expect((await read()).status).toBe(200);
  });

  it("gives reserved calls back when the server stops", async () => {
    const config = loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent", port: 0 });
    const other = await createRuntime(config, { clock: h.clock, wallClock: wall });
    const app = await buildApp(other, { publicUrl: "http://leadgraph.test" });
    for (let i = 0; i < 4; i++)
      expect((await app.inject({ method: "GET", url: "/9001?access_token=EAAB-page-acme" })).statusCode).toBe(200);
    expect(await stored(h.runtime)).toBeGreaterThan(4);
    await app.close();
    await other.close();
    expect(await stored(h.runtime)).toBe(4);
  });

  it("charges every read alone for a small budget (a page with few leads)", async () => {
    // Page 3002 has no leads: the floor budget of 4,800 calls leaves blocks too small to take.
    for (let i = 1; i <= 5; i++) {
      expect((await h.graph("GET", "/8002/leads", { token: "EAAB-page-other" })).status).toBe(200);
      expect((await h.runtime.leadUsage.buckets("3002", 0)).reduce((n, b) => n + b.calls, 0)).toBe(i);
    }
    await h.runtime.leadUsage.reset("3002");
  });
});

// Two SQLite runtimes in one process would block each other's thread on the file lock (better-sqlite3
// waits synchronously), which separate server processes do not; as for the other two-instance
// rate-limit test, PostgreSQL is where two instances share one process.
describe.each(databaseKinds().filter((k) => k === "postgres"))("lead rate limit blocks shared by two instances (%s)", (kind) => {
  it("never spends more than the budget, and after the blocks end spends it exactly", async () => {
    // Page 3001 of exampleWorld() has 2 leads: 9,600 calls, 2,400 of them left. Blocks sized for the
    // test (an eighth of the trusted rest, at least 2 calls) make both instances hold blocks while
    // they race to the limit.
    const budget = budgetFor(2);
    const h = await startHarness(kind, { world: exampleWorld() });
    const config = loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent", port: 0 });
    const second = await createRuntime(config, { clock: h.clock });
    const app2 = await buildApp(second, { publicUrl: "http://leadgraph.test" });
    const leases = { fraction: 1 / 8, minCalls: 2, maxCalls: 400, lifetimeMs: 600_000 };
    const meters = [h.runtime, second].map((r) => {
      const meter = new LeadRateMeter(new KyselyLeadUsageRepository(r.connection.db), h.clock, { leases });
      r.services.meter = meter;
      return meter;
    });
    try {
      const spent = budget - 2_400;
      await h.runtime.leadUsage.add(PAGE, bucketOf(TEST_NOW), spent);
      const apps = [h.app, app2];
      let ok = spent;
      let refused = 0;
      for (let wave = 0; wave < 180; wave++) {
        const answers = await Promise.all(
          Array.from({ length: 16 }, (_, i) => apps[i % 2]!.inject({ method: "GET", url: "/9001?access_token=EAAB-page-acme" })),
        );
        for (const a of answers) {
          if (a.statusCode === 200) ok++;
          else if (a.json().error.code === 80005) refused++;
          else throw new Error(a.body);
        }
      }
      expect(ok).toBeLessThanOrEqual(budget);
      expect(refused).toBeGreaterThan(0);
      // What the counters hold beyond the reads made is exactly the blocks' unused calls.
      await Promise.all(meters.map((m) => m.settle()));
      expect(await stored(h.runtime)).toBe(ok);
      // With the blocks given back, the budget's rest is spent to the last call.
      while ((await h.graph("GET", "/9001", { token: "EAAB-page-acme" })).status === 200) ok++;
      expect(ok).toBe(budget);
      expect(await stored(h.runtime)).toBe(budget);
      expect(nowSeconds(h.clock)).toBe(TEST_NOW);
    } finally {
      await app2.close();
      await second.close();
      await h.close();
    }
    // About 5,000 reads through two apps: minutes on a machine loaded several times over.
  }, 300_000);
});
