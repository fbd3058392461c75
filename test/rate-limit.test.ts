import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nowSeconds } from "../src/domain/clock.ts";
import { bucketOf, budgetFor, minutesToRegain, usagePercent } from "../src/domain/rate-limit/lead-budget.ts";
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "3001";
/** The example world's page 3001 has two leads in the past 90 days. */
const BUDGET = 200 * 24 * 2;

describe("lead budget rules", () => {
  it("is 200 × 24 × leads of the past 90 days, with a floor of one lead", () => {
    expect(budgetFor(0)).toBe(4800);
    expect(budgetFor(1)).toBe(4800);
    expect(budgetFor(7)).toBe(33_600);
  });
  it("reports percentages and the time to regain access from the window's buckets", () => {
    expect(usagePercent(4799, 9600, false)).toBe(49);
    expect(usagePercent(9600, 9600, false)).toBe(100);
    expect(usagePercent(1, 9600, true)).toBe(100);
    const now = TEST_NOW;
    const b = bucketOf(now);
    expect(
      minutesToRegain(
        [
          { bucket: b - 120, calls: 10 },
          { bucket: b, calls: 5 },
        ],
        15,
        1,
        now,
      ),
    ).toBe(24 * 60 - 120);
    expect(
      minutesToRegain(
        [
          { bucket: b - 120, calls: 10 },
          { bucket: b, calls: 5 },
        ],
        16,
        1,
        now,
      ),
    ).toBe(0);
    expect(minutesToRegain([{ bucket: b, calls: 15 }], 15, 1, now)).toBe(24 * 60);
  });
});

describe.each(databaseKinds())("lead rate limit (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    h.clock.set(TEST_NOW * 1000);
    await h.runtime.leadUsage.reset(PAGE);
    await h.runtime.leadUsage.setForced(PAGE, null);
  });

  /** Spends calls as earlier reads would have, `agoSeconds` before now. */
  const prefill = (calls: number, agoSeconds = 0) => h.runtime.leadUsage.add(PAGE, bucketOf(nowSeconds(h.clock) - agoSeconds), calls);
  const buc = (res: { headers: Record<string, unknown> }) => JSON.parse(String(res.headers["x-business-use-case-usage"]))[PAGE][0];
  const read = () => h.graph("GET", "/9001", { token: "EAAB-page-acme" });

  it("allows the last call inside the budget and refuses the first one past it", async () => {
    await prefill(BUDGET - 1, 7200);
    const last = await read();
    expect(last.status).toBe(200);
    expect(buc(last)).toEqual({
      type: "leadgen",
      call_count: 100,
      total_cputime: 100,
      total_time: 100,
      estimated_time_to_regain_access: 0,
    });
    const refused = await read();
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: {
        message:
          "(#80005) There have been too many leadgen api calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        type: "OAuthException",
        code: 80005,
        is_transient: true,
        fbtrace_id: refused.body.error.fbtrace_id,
      },
    });
    // The prefill's bucket (2 h old) leaves the window in 22 h; the last allowed call's only in 24 h.
    expect(buc(refused)).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 22 * 60 });
    // Refused calls are not counted.
    const used = (await h.runtime.leadUsage.buckets(PAGE, 0)).reduce((n, b) => n + b.calls, 0);
    expect(used).toBe(BUDGET);
  });

  it("reports the usage percentage in X-Business-Use-Case-Usage and X-App-Usage", async () => {
    const first = await read();
    expect(buc(first)).toMatchObject({ call_count: 0 });
    await prefill(BUDGET / 2 - 2);
    const half = await read();
    expect(buc(half)).toMatchObject({ call_count: 50, total_cputime: 50, total_time: 50, estimated_time_to_regain_access: 0 });
    expect(JSON.parse(String(half.headers["x-app-usage"]))).toEqual({ call_count: 50, total_time: 50, total_cputime: 50 });
    const page = await h.graph("GET", "/3001", { token: "EAAB-page-acme" });
    expect(page.headers["x-business-use-case-usage"]).toBeUndefined();
  });

  it("slides the 24-hour window as the clock moves", async () => {
    await prefill(BUDGET, 7200);
    expect((await read()).status).toBe(400);
    h.clock.advance((22 * 3600 - 60) * 1000);
    expect((await read()).status).toBe(400);
    h.clock.advance(60_000);
    const back = await read();
    expect(back.status).toBe(200);
    expect(buc(back).call_count).toBe(0);
  });

  it("gives a page without leads the floor budget of one lead (4,800 calls)", async () => {
    await h.runtime.leadUsage.reset("3002");
    await h.runtime.leadUsage.add("3002", bucketOf(TEST_NOW), 4799);
    const last = await h.graph("GET", "/8002/leads", { token: "EAAB-page-other" });
    expect(last.status).toBe(200);
    expect(JSON.parse(String(last.headers["x-business-use-case-usage"]))["3002"][0]).toMatchObject({ call_count: 100 });
    const refused = await h.graph("GET", "/8002/leads", { token: "EAAB-page-other" });
    expect(refused.body.error.code).toBe(80005);
    expect(JSON.parse(String(refused.headers["x-business-use-case-usage"]))["3002"][0]).toMatchObject({
      estimated_time_to_regain_access: 24 * 60,
    });
  });

  it("counts the leads edge, field expansion, each id of ids= and each batch item", async () => {
    const used = async () => (await h.runtime.leadUsage.buckets(PAGE, 0)).reduce((n, b) => n + b.calls, 0);
    await h.graph("GET", "/8001/leads", { token: "EAAB-page-acme" });
    expect(await used()).toBe(1);
    await h.graph("GET", "/8001", { token: "EAAB-page-acme", query: { fields: "leads{id}" } });
    expect(await used()).toBe(2);
    await h.graph("GET", "/", { token: "EAAB-page-acme", query: { ids: "9001,9002" } });
    expect(await used()).toBe(4);
    await prefill(BUDGET - 4 - 2);
    const batch = await h.graph("POST", "/", {
      token: "EAAB-page-acme",
      body: {
        batch: JSON.stringify([
          { method: "GET", relative_url: "9001" },
          { method: "GET", relative_url: "9002" },
          { method: "GET", relative_url: "9001" },
        ]),
      },
    });
    expect(batch.body.map((b: { code: number }) => b.code)).toEqual([200, 200, 400]);
    expect(JSON.parse(batch.body[2].body).error.code).toBe(80005);
    expect(await used()).toBe(BUDGET);
  });

  it("can be forced into the limited state and out of it through the admin API", async () => {
    const admin = { authorization: `Bearer ${h.runtime.adminKey}` };
    const forced = await h.app.inject({
      method: "POST",
      url: `/_leadgraph/admin/limits/${PAGE}/force`,
      headers: admin,
      payload: { for: "90m" },
    });
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toMatchObject({
      page_id: PAGE,
      limited: true,
      forced_until: TEST_NOW + 5400,
      estimated_time_to_regain_access: 90,
    });
    const refused = await read();
    expect(refused.body.error.code).toBe(80005);
    expect(buc(refused)).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 90 });
    await h.app.inject({ method: "DELETE", url: `/_leadgraph/admin/limits/${PAGE}/force`, headers: admin });
    expect((await read()).status).toBe(200);
    const one = await h.app.inject({ method: "GET", url: `/_leadgraph/admin/limits/${PAGE}`, headers: admin });
    expect(one.json()).toMatchObject({ page_id: PAGE, leads_90d: 2, budget: BUDGET, used: 1, limited: false, forced_until: null });
    expect(one.json().hourly).toHaveLength(24);
    expect(one.json().hourly[23]).toMatchObject({ hour_start: TEST_NOW, calls: 1 });
    const list = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/limits", headers: admin });
    expect(list.json().data.map((p: { page_id: string }) => p.page_id)).toEqual(["3001", "3002"]);
    const bad = await h.app.inject({ method: "POST", url: "/_leadgraph/admin/limits/999/force", headers: admin });
    expect(bad.json().error).toMatchObject({ code: 100, error_subcode: 33 });
    const noKey = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/limits" });
    expect(noKey.statusCode).toBe(401);
  });

  // Last: it adds a lead, which raises the budget for anything after it.
  it("recounts the budget at the boundary: a new lead raises it at once", async () => {
    await prefill(BUDGET);
    expect((await read()).status).toBe(400);
    await h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: ["New"] }] }], {
      source: "admin",
      fireWebhooks: false,
    });
    expect((await read()).status).toBe(200);
  });
});

describe.each(databaseKinds().filter((k) => k === "postgres"))("lead rate limit shared by two instances (%s)", (kind) => {
  it("spends one budget exactly under concurrent reads through both instances", async () => {
    const h = await startHarness(kind, { world: exampleWorld() });
    const config = loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent", port: 0 });
    const second = await createRuntime(config, { clock: h.clock });
    const app2 = await buildApp(second, { publicUrl: "http://leadgraph.test" });
    try {
      await h.runtime.leadUsage.add(PAGE, bucketOf(TEST_NOW), BUDGET - 10);
      const calls = [];
      for (let i = 0; i < 30; i++) {
        const app = i % 2 === 0 ? h.app : app2;
        calls.push(app.inject({ method: "GET", url: "/9001?access_token=EAAB-page-acme" }));
      }
      const codes = (await Promise.all(calls)).map((r) => r.statusCode);
      expect(codes.filter((c) => c === 200)).toHaveLength(10);
      expect(codes.filter((c) => c === 400)).toHaveLength(20);
      const used = (await second.leadUsage.buckets(PAGE, 0)).reduce((n, b) => n + b.calls, 0);
      expect(used).toBe(BUDGET);
    } finally {
      await app2.close();
      await second.close();
      await h.close();
    }
  });
});
