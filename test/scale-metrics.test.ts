import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { fanOut } from "../src/dispatcher/fan-out.ts";
import { bucketOf } from "../src/domain/rate-limit/lead-budget.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const lead = (i: number) => ({ formId: "8001", fieldData: [{ name: "full_name", values: [`Metric ${i}`] }] });

/** One sample of the Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(databaseKinds())("webhook and rate-limit metrics at GET /metrics (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  const scrape = async () => {
    const res = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    rx = new Receiver();
    await rx.start();
    await subscribeToReceiver(h.runtime.services.store, rx.url);
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it("reports queue depth and age, then each attempt by outcome with its duration", async () => {
    const d = createDispatcher(h.runtime, { lingerMs: 0, leaseMs: 30_000 });
    try {
      const ids = await h.runtime.services.intake.create([lead(0), lead(1), lead(2)], { source: "admin", fireWebhooks: true });
      await fanOut(h.runtime.services, 100, Math.random);
      h.clock.advance(7_000);
      let text = await scrape();
      expect(sample(text, "leadgraph_webhook_queue_depth")).toBe(3);
      expect(sample(text, "leadgraph_webhook_queue_oldest_age_seconds")).toBe(7);

      await d.runOnce();
      expect(rx.leadIds().sort()).toEqual([...ids].sort());
      text = await scrape();
      expect(sample(text, "leadgraph_webhook_queue_depth")).toBe(0);
      expect(sample(text, "leadgraph_webhook_queue_oldest_age_seconds")).toBe(0);
      // One POST carried the three leads: one attempt.
      expect(sample(text, 'leadgraph_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
      expect(sample(text, 'leadgraph_webhook_delivery_duration_seconds_count{outcome="delivered"}')).toBe(1);
      expect(sample(text, 'leadgraph_webhook_delivery_duration_seconds_sum{outcome="delivered"}')).toBeGreaterThan(0);

      rx.postStatus = 503;
      await h.runtime.services.intake.create([lead(3)], { source: "admin", fireWebhooks: true });
      await d.runOnce();
      text = await scrape();
      expect(rx.failed.length).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'leadgraph_webhook_deliveries_total{outcome="retry"}')).toBe(rx.failed.length);
      expect(sample(text, 'leadgraph_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
      expect(sample(text, "leadgraph_webhook_queue_depth")).toBe(1);
    } finally {
      rx.postStatus = 200;
      await d.stop();
    }
  });

  it("counts each 80005 refusal of the lead rate limit", async () => {
    const before = sample(await scrape(), 'leadgraph_rate_limit_refusals_total{limit="lead_read"}') ?? 0;
    const budget = (
      await h.app.inject({
        method: "GET",
        url: "/_leadgraph/admin/limits/3001",
        headers: { authorization: `Bearer ${h.runtime.adminKey}` },
      })
    ).json().budget as number;
    await h.runtime.leadUsage.add("3001", bucketOf(TEST_NOW), budget);
    for (let i = 0; i < 2; i++) {
      const refused = await h.graph("GET", "/9001", { token: "EAAB-page-acme" });
      expect(refused.body.error.code).toBe(80005);
    }
    expect(sample(await scrape(), 'leadgraph_rate_limit_refusals_total{limit="lead_read"}')).toBe(before + 2);
  });
});

describe("webhook lease against the delivery timeout", () => {
  it("refuses a lease that does not outlast the timeout by the margin, naming both variables", () => {
    expect(() => loadConfig({ webhookTimeoutMs: 20_000, webhookLeaseMs: 25_000 })).toThrow(
      /LEADGRAPH_WEBHOOK_LEASE_MS=25000\) must be more than webhookTimeoutMs \(LEADGRAPH_WEBHOOK_TIMEOUT_MS=20000\) \+ 5000 ms/,
    );
    expect(() => loadConfig({ webhookTimeoutMs: 1_000, webhookLeaseMs: 2_000 })).toThrow(/above 2000/);
    expect(loadConfig({ webhookTimeoutMs: 1_000, webhookLeaseMs: 2_001 }).webhookLeaseMs).toBe(2_001);
    expect(loadConfig({}).webhookLeaseMs).toBeGreaterThan(loadConfig({}).webhookTimeoutMs);
  });
});

describe("serve with a lease too short for the timeout", () => {
  it("exits before listening with a message naming the rule", async () => {
    const { spawnServe } = await import("./support/processes.ts");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(tmpdir(), "lg-lease-"));
    try {
      await expect(
        spawnServe(["--db", path.join(dir, "lease.db"), "--log-level", "silent"], {
          LEADGRAPH_WEBHOOK_TIMEOUT_MS: "5000",
          LEADGRAPH_WEBHOOK_LEASE_MS: "5500",
        }),
      ).rejects.toThrow(/serve exited \(1\) before listening:[\s\S]*LEADGRAPH_WEBHOOK_LEASE_MS=5500\) must be more than/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
