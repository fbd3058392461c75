import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { startDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { escapedJson } from "../src/domain/webhooks/escaped-json.ts";
import { serializeLeadgenBody, type LeadgenChange } from "../src/domain/webhooks/payload.ts";
import { packLeadgenPosts } from "../src/domain/webhooks/post-packing.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * A receiver as integrations write it: Express with `express.json()` at its default limit (100 kB;
 * a larger body is refused with 413), and code that reads only `entry[i].changes[0]`.
 */
class ExpressReceiver {
  readonly leadIds: string[] = [];
  readonly refused: number[] = [];
  posts = 0;
  url = "";
  #server: Server | undefined;

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post("/webhook", (req, res) => {
      this.posts++;
      for (const entry of req.body.entry) this.leadIds.push(entry.changes[0].value.leadgen_id);
      res.sendStatus(200);
    });
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      this.refused.push(err.status ?? 500);
      res.sendStatus(err.status ?? 500);
    });
    await new Promise<void>((resolve) => {
      this.#server = app.listen(0, "127.0.0.1", () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/webhook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

describe.each(databaseKinds())("a burst of leads reaches a stock Express receiver (%s)", (kind) => {
  let h: Harness;
  let rx: ExpressReceiver;
  let d: WebhookDispatcher;

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    rx = new ExpressReceiver();
    await rx.start();
    await subscribeToReceiver(h.runtime.services.store, rx.url, { installOnPage: "3001" });
    // The configured defaults: linger, byte cap and change cap as `serve` runs them.
    d = startDispatcher(h.runtime, { random: () => 0.5 });
  });
  afterAll(async () => {
    await d?.stop();
    await rx?.close();
    await h?.close();
  });

  it("1,000 leads at once: every POST under 100 kB, no attempt refused, every lead read through changes[0]", async () => {
    const leads = Array.from({ length: 1000 }, (_, i) => ({
      formId: "8001",
      adId: "7001",
      fieldData: [{ name: "full_name", values: [`Burst Person ${i}`] }],
    }));
    const ids = await h.runtime.services.intake.create(leads, { source: "admin", fireWebhooks: true });
    await expect.poll(() => rx.leadIds.length, { timeout: 30_000 }).toBe(1000);
    expect(new Set(rx.leadIds)).toEqual(new Set(ids));
    expect(rx.refused).toEqual([]);
    expect(rx.posts).toBeGreaterThan(1);
    // The delivery log, per lead: each delivered on its first attempt, with one success on record.
    const store = h.runtime.services.store;
    await expect.poll(async () => (await store.webhooks.list({ appId: "1001", status: "delivered", limit: 2000 })).length).toBe(1000);
    const log = await store.webhooks.list({ appId: "1001", limit: 2000 });
    expect(log.every((r) => r.attempts === 1 && r.lastStatus === 200)).toBe(true);
    const attempts = await store.webhooks.attemptsOf(log[0]!.id);
    expect(attempts.map((a) => a.outcome)).toEqual(["success"]);
    expect(attempts[0]!.body.length).toBeLessThan(100 * 1024);
  });
});

describe("laying changes out in POSTs", () => {
  const change = (i: number): LeadgenChange => ({
    leadId: String(90_000 + i),
    pageId: "3001",
    formId: "8001",
    adId: i % 2 ? "7001" : null,
    createdTime: 1_700_000_000,
  });
  const changes = Array.from({ length: 500 }, (_, i) => change(i));

  it("one change per entry, each body within the byte cap, every change once and in order", () => {
    const posts = packLeadgenPosts("3001", 1_700_000_100, changes, (c) => c, {
      maxChanges: 1000,
      maxBytes: 10_000,
      packEntries: false,
      onePerPost: false,
    });
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) {
      expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(10_000);
      const parsed = JSON.parse(p.body);
      expect(escapedJson(parsed)).toBe(p.body);
      expect(parsed.entry).toHaveLength(p.items.length);
      expect(
        parsed.entry.every(
          (e: { id: string; time: number; changes: unknown[] }) => e.id === "3001" && e.time === 1_700_000_100 && e.changes.length === 1,
        ),
      ).toBe(true);
    }
    expect(posts.flatMap((p) => p.items)).toEqual(changes);
    // Greedy: a body plus the next entry would have passed the cap.
    expect(Buffer.byteLength(posts[0]!.body) + 200).toBeGreaterThan(10_000);
  });

  it("packed entries are the one-entry body; the change cap and one-per-post hold", () => {
    const packed = packLeadgenPosts("3001", 5, changes.slice(0, 7), (c) => c, {
      maxChanges: 3,
      maxBytes: 1 << 20,
      packEntries: true,
      onePerPost: false,
    });
    expect(packed.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(packed[0]!.body).toBe(serializeLeadgenBody("3001", 5, changes.slice(0, 3)));
    const split = packLeadgenPosts("3001", 5, changes.slice(0, 4), (c) => c, {
      maxChanges: 1000,
      maxBytes: 1 << 20,
      packEntries: false,
      onePerPost: true,
    });
    expect(split.map((p) => p.items.length)).toEqual([1, 1, 1, 1]);
  });

  it("a change larger than the cap still goes out, alone", () => {
    const posts = packLeadgenPosts("3001", 5, changes.slice(0, 3), (c) => c, {
      maxChanges: 1000,
      maxBytes: 10,
      packEntries: false,
      onePerPost: false,
    });
    expect(posts.map((p) => p.items.length)).toEqual([1, 1, 1]);
  });
});
