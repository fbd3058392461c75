import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptRecord } from "../src/domain/webhooks/webhook-repository.ts";
import { webhookStatsApi } from "../src/admin/webhook-stats-api.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/** Delivery attempts per minute by outcome with latency percentiles, aggregated by the database. */
describe.each(databaseKinds())("webhook delivery stats (%s)", (kind) => {
  let h: Harness;
  let n = 0;
  const attempt = (atMs: number, outcome: AttemptRecord["outcome"], latencyMs: number | null, appId = "1001"): AttemptRecord => ({
    id: String(880_000 + ++n),
    appId,
    pageId: "3001",
    callbackUrl: "http://127.0.0.1:9/hook",
    atMs,
    kind: outcome === "dropped" ? "dropped" : "delivery",
    outcome,
    httpStatus: outcome === "success" ? 200 : outcome === "failure" ? 500 : null,
    latencyMs,
    responseExcerpt: null,
    error: null,
    body: "{}",
    signature256: "sha256=x",
    signature1: "sha1=x",
    changeCount: 1,
    instance: "test",
    deliveryIds: [],
  });
  const stats = async (query: Record<string, string> = {}) => {
    const res = await h.graph("GET", "/_leadgraph/admin/webhooks/stats", {
      query,
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return webhookStatsApi.stats.response.parse(res.body);
  };

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    const minute = Math.floor((TEST_NOW * 1000) / 60_000) * 60_000;
    const store = h.runtime.services.store.webhooks;
    // This minute: 100 successes with latencies 1..100 ms, 3 failures (200, 300, 400 ms), 2 drops.
    for (let i = 1; i <= 100; i++) await store.recordAttempt(attempt(minute + (i % 50) * 1000, "success", i));
    for (const ms of [200, 300, 400]) await store.recordAttempt(attempt(minute + 5_000, "failure", ms));
    for (let i = 0; i < 2; i++) await store.recordAttempt(attempt(minute + 6_000, "dropped", null));
    // Two minutes ago: one slow success; another app; and one outside the hour.
    await store.recordAttempt(attempt(minute - 2 * 60_000 + 10, "success", 5000));
    await store.recordAttempt(attempt(minute - 2 * 60_000 + 20, "success", 7, "1002"));
    await store.recordAttempt(attempt(minute - 61 * 60_000, "failure", 1));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("counts attempts per minute by outcome with nearest-rank p50/p95/p99, empty minutes included", async () => {
    const s = await stats();
    expect(s.bucket_seconds).toBe(60);
    expect(s.data).toHaveLength(60);
    expect(s.until - s.since).toBe(3600);
    const now = s.data.at(-1)!;
    expect(now.start_time).toBe(Math.floor(TEST_NOW / 60) * 60);
    // 103 latencies: 1..100, 200, 300, 400. Rank ceil(0.5*103)=52 -> 52; ceil(0.95*103)=98 -> 98; ceil(0.99*103)=102 -> 300 (positions 101..103 hold 200, 300, 400).
    expect(now).toEqual({ start_time: now.start_time, delivered: 100, failed: 3, dropped: 2, p50_ms: 52, p95_ms: 98, p99_ms: 300 });
    const twoAgo = s.data.at(-3)!;
    expect(twoAgo).toMatchObject({ delivered: 2, failed: 0, dropped: 0, p50_ms: 7, p99_ms: 5000 });
    expect(s.data.at(-2)).toMatchObject({ delivered: 0, failed: 0, dropped: 0, p50_ms: null, p95_ms: null, p99_ms: null });
    // 105 latencies (the extra 7 and 5000 two minutes ago): ranks 53, 100, 104 -> 52, 99, 400.
    expect(s.totals).toEqual({ delivered: 102, failed: 3, dropped: 2, p50_ms: 52, p95_ms: 99, p99_ms: 400 });
  });

  it("narrows to one app and to fewer minutes, and refuses a bad range", async () => {
    const app = await stats({ app_id: "1002" });
    expect(app.totals).toEqual({ delivered: 1, failed: 0, dropped: 0, p50_ms: 7, p95_ms: 7, p99_ms: 7 });
    const short = await stats({ minutes: "2" });
    expect(short.data).toHaveLength(2);
    expect(short.totals).toMatchObject({ delivered: 100, failed: 3, dropped: 2 });
    const bad = await h.graph("GET", "/_leadgraph/admin/webhooks/stats", {
      query: { minutes: "0" },
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("minutes");
  });
});
