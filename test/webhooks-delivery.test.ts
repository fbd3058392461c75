import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import type { NewLead } from "../src/domain/leads/lead-intake.ts";
import { NO_FAULTS } from "../src/domain/webhooks/webhook-repository.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const SECRET = "s3cr3t-acme";
const ADMIN = "admin-key-for-webhook-tests";

describe.each(databaseKinds())("webhook delivery (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  let d: WebhookDispatcher;
  let seq = 0;

  beforeAll(async () => {
    const world = exampleWorld();
    world.apps!.push({
      id: "1003",
      name: "Dev App",
      secret: "dev-secret",
      mode: "development",
      created_time: "2020-01-01T00:00:00+0000",
      require_appsecret_proof: false,
      roles: [{ user_id: "2001", role: "developer" }],
    });
    h = await startHarness(kind, { world, config: { adminKey: ADMIN } });
    rx = new Receiver();
    await rx.start();
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });
  beforeEach(async () => {
    const store = h.runtime.services.store;
    await store.subscriptions.remove("1003");
    await store.subscriptions.removeInstall("3001", "1003");
    await subscribeToReceiver(store, rx.url, { installOnPage: "3001" });
    await store.webhooks.saveSettings({ appId: "1001", faults: { ...NO_FAULTS }, autoDisableHours: null });
    rx.reset();
    d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5 });
  });
  afterEach(async () => {
    await d.stop();
    // Leftover retries of one test must not leak into the next.
    await d.runOnce();
    h.clock.advance(40 * 3600 * 1000);
    rx.postStatus = 200;
    await d.runOnce();
  });

  const lead = (over: Partial<NewLead> = {}): NewLead => ({
    formId: "8001",
    fieldData: [{ name: "full_name", values: [`Zoë Ünïcode ${++seq} 😀`] }],
    ...over,
  });
  const create = (leads: NewLead[]) => h.runtime.services.intake.create(leads, { source: "admin", fireWebhooks: true });
  const admin = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(body ? { payload: body } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const hmac = (alg: "sha256" | "sha1", key: string, raw: Buffer) => createHmac(alg, key).update(raw).digest("hex");

  it("sends paid and organic leads in one signed POST, one change per entry, with Meta's exact bytes", async () => {
    const [paid, organic] = await create([lead({ adId: "7001" }), lead()]);
    expect(await d.runOnce()).toBe(1);
    expect(rx.posts).toHaveLength(1);
    const post = rx.posts[0]!;
    const now = h.clock.nowMs() / 1000;
    expect(post.raw.toString("latin1")).toBe(
      `{"object":"page","entry":[{"id":"3001","time":${now},"changes":[` +
        `{"field":"leadgen","value":{"leadgen_id":"${paid}","page_id":"3001","form_id":"8001","adgroup_id":"7001","ad_id":"7001","created_time":${now}}}]},` +
        `{"id":"3001","time":${now},"changes":[` +
        `{"field":"leadgen","value":{"leadgen_id":"${organic}","page_id":"3001","form_id":"8001","created_time":${now}}}]}]}`,
    );
    expect(post.headers["x-hub-signature-256"]).toBe(`sha256=${hmac("sha256", SECRET, post.raw)}`);
    expect(post.headers["x-hub-signature"]).toBe(`sha1=${hmac("sha1", SECRET, post.raw)}`);
    expect(post.headers["content-type"]).toBe("application/json");
    expect(post.headers["user-agent"]).toBe("facebookexternalua");
    const list = await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${paid}`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ status: "delivered", attempts: 1, last_http_status: 200, app_id: "1001" });
    const one = await admin("GET", `/_leadgraph/admin/webhooks/deliveries/${list.body.data[0].id}`);
    expect(one.body.attempts).toHaveLength(1);
    expect(one.body.attempts[0].body).toBe(post.raw.toString("utf8"));
    expect(one.body.attempts[0].headers["x-hub-signature-256"]).toBe(post.headers["x-hub-signature-256"]);
    expect(one.body.attempts[0]).toMatchObject({ http_status: 200, outcome: "success", response_excerpt: "ok" });
  });

  it("puts at most 1,000 changes in one POST when the byte cap allows more", async () => {
    await d.stop();
    d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5, maxBodyBytes: 1024 * 1024 });
    await create(Array.from({ length: 1203 }, () => lead()));
    await d.runOnce();
    expect(rx.posts.map((p) => p.body.entry.length)).toEqual([1000, 203]);
    expect(new Set(rx.leadIds()).size).toBe(1203);
  });

  it("delivers only with both the app subscription and the page install", async () => {
    const store = h.runtime.services.store;
    await store.subscriptions.removeInstall("3001", "1001");
    await create([lead()]);
    await d.runOnce();
    await store.subscriptions.upsertInstall({ pageId: "3001", appId: "1001", subscribedFields: ["feed"], createdTime: TEST_NOW });
    await create([lead()]);
    await d.runOnce();
    await store.subscriptions.upsertInstall({ pageId: "3001", appId: "1001", subscribedFields: ["leadgen"], createdTime: TEST_NOW });
    await store.subscriptions.upsert({
      appId: "1001",
      object: "page",
      callbackUrl: rx.url,
      fields: ["feed"],
      verifyToken: "vt",
      includeValues: true,
      active: true,
      createdTime: TEST_NOW,
    });
    await create([lead()]);
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    await subscribeToReceiver(store, rx.url);
    const [ok] = await create([lead()]);
    await d.runOnce();
    expect(rx.leadIds()).toEqual([ok]);
  });

  it("sends a development-mode app only its role users' leads", async () => {
    const store = h.runtime.services.store;
    const devRx = new Receiver();
    await devRx.start();
    try {
      await store.subscriptions.upsert({
        appId: "1003",
        object: "page",
        callbackUrl: devRx.url,
        fields: ["leadgen"],
        verifyToken: "vt",
        includeValues: true,
        active: true,
        createdTime: TEST_NOW,
      });
      await store.subscriptions.upsertInstall({ pageId: "3001", appId: "1003", subscribedFields: ["leadgen"], createdTime: TEST_NOW });
      const [mine, theirs, nobody] = await create([lead({ submitterUserId: "2001" }), lead({ submitterUserId: "2002" }), lead()]);
      await d.runOnce();
      expect(devRx.leadIds()).toEqual([mine]);
      expect(devRx.posts[0]!.headers["x-hub-signature-256"]).toBe(`sha256=${hmac("sha256", "dev-secret", devRx.posts[0]!.raw)}`);
      expect(rx.leadIds().sort()).toEqual([mine, theirs, nobody].sort());
    } finally {
      await devRx.close();
    }
  });

  it("retries at once, then on the schedule, and expires 36 hours after the first attempt", async () => {
    rx.postStatus = 503;
    const start = h.clock.nowMs();
    const [id] = await create([lead()]);
    await d.runOnce();
    expect(rx.failed).toHaveLength(2);
    const times: number[] = [h.clock.nowMs(), h.clock.nowMs()];
    for (let i = 0; i < 100; i++) {
      const [row] = (await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${id}`)).body.data;
      if (row.status !== "pending") break;
      h.clock.set(row.next_attempt_time * 1000);
      await d.runOnce();
      times.push(h.clock.nowMs());
    }
    const [row] = (await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${id}`)).body.data;
    expect(row.status).toBe("expired");
    expect(row.attempts).toBe(rx.failed.length);
    expect(rx.failed.length).toBeGreaterThanOrEqual(15);
    expect(times.at(-1)! - start).toBe(36 * 3600 * 1000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBe(0);
    expect(gaps[1]).toBe(10_000);
    for (let i = 2; i < gaps.length - 1; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
    const one = await admin("GET", `/_leadgraph/admin/webhooks/deliveries/${row.id}`);
    expect(one.body.attempts).toHaveLength(rx.failed.length);
    expect(one.body.attempts[0]).toMatchObject({
      http_status: 503,
      outcome: "failure",
      response_excerpt: "down for maintenance",
      error: "receiver answered HTTP 503",
    });
  });

  it("delivers everything once a receiver down for 10 hours is back", async () => {
    rx.postStatus = 500;
    const ids = await create([lead(), lead({ adId: "7001" }), lead()]);
    await d.runOnce();
    for (let minutes = 0; minutes < 600; minutes += 10) {
      h.clock.advance(10 * 60_000);
      await d.runOnce();
    }
    expect(rx.posts).toHaveLength(0);
    rx.postStatus = 200;
    for (let minutes = 0; minutes < 300 && rx.posts.length === 0; minutes += 10) {
      h.clock.advance(10 * 60_000);
      await d.runOnce();
    }
    expect(rx.leadIds().sort()).toEqual([...ids].sort());
    const list = await admin("GET", "/_leadgraph/admin/webhooks/deliveries?status=delivered&limit=3");
    expect(list.body.data.map((r: any) => r.lead_id).sort()).toEqual([...ids].sort());
  });

  it("redelivers one delivery, and everything of an app in a time range, re-signed", async () => {
    const [a, b] = await create([lead(), lead()]);
    await d.runOnce();
    expect(rx.posts).toHaveLength(1);
    const [row] = (await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${a}`)).body.data;
    h.clock.advance(60_000);
    const redo = await admin("POST", `/_leadgraph/admin/webhooks/deliveries/${row.id}/redeliver`);
    expect(redo.body).toMatchObject({ success: true });
    await d.runOnce();
    expect(rx.posts).toHaveLength(2);
    expect(rx.posts[1]!.body.entry[0].changes.map((c: any) => c.value.leadgen_id)).toEqual([a]);
    expect(rx.posts[1]!.body.entry[0].time).toBe(h.clock.nowMs() / 1000);
    expect(rx.posts[1]!.headers["x-hub-signature-256"]).toBe(`sha256=${hmac("sha256", SECRET, rx.posts[1]!.raw)}`);
    const range = await admin("POST", "/_leadgraph/admin/webhooks/redeliver", {
      app_id: "1001",
      since: Math.floor(h.clock.nowMs() / 1000) - 120,
      until: Math.floor(h.clock.nowMs() / 1000) + 1,
    });
    expect(range.body.count).toBe(2);
    await d.runOnce();
    expect(rx.leadIds().slice(3).sort()).toEqual([a, b].sort());
    const redelivered = await admin("GET", `/_leadgraph/admin/webhooks/deliveries/${redo.body.id}`);
    expect(redelivered.body).toMatchObject({ kind: "redelivery", redelivery_of: row.id, status: "delivered" });
  });

  describe("fault injection", () => {
    const setFaults = (f: Record<string, unknown>) =>
      admin("POST", "/_leadgraph/admin/webhooks/subscriptions/1001/faults", { reset: true, ...f });

    it("drops deliveries as if never sent, and logs them as dropped", async () => {
      expect((await setFaults({ drop_percent: 100 })).body).toMatchObject({ drop_percent: 100 });
      const [id] = await create([lead()]);
      await d.runOnce();
      h.clock.advance(3600_000);
      await d.runOnce();
      expect(rx.posts).toHaveLength(0);
      const [row] = (await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${id}`)).body.data;
      expect(row.status).toBe("dropped");
      const one = await admin("GET", `/_leadgraph/admin/webhooks/deliveries/${row.id}`);
      expect(one.body.attempts).toMatchObject([
        { kind: "dropped", outcome: "dropped", http_status: null, error: "dropped by fault injection" },
      ]);
    });

    it("duplicates POSTs byte for byte", async () => {
      await setFaults({ duplicate_percent: 100 });
      await create([lead(), lead()]);
      await d.runOnce();
      expect(rx.posts).toHaveLength(2);
      expect(rx.posts[1]!.raw.equals(rx.posts[0]!.raw)).toBe(true);
      expect(rx.posts[1]!.headers["x-hub-signature-256"]).toBe(rx.posts[0]!.headers["x-hub-signature-256"]);
    });

    it("delays deliveries by a fixed time on the injected clock", async () => {
      await setFaults({ delay_ms: 90_000 });
      await create([lead()]);
      await d.runOnce();
      expect(rx.posts).toHaveLength(0);
      h.clock.advance(89_000);
      await d.runOnce();
      expect(rx.posts).toHaveLength(0);
      h.clock.advance(1_000);
      await d.runOnce();
      expect(rx.posts).toHaveLength(1);
    });

    it("packs a POST's changes into one entry when asked", async () => {
      expect((await setFaults({ pack_entries: true })).body).toMatchObject({ pack_entries: true, split: false });
      const ids = await create([lead(), lead(), lead()]);
      await d.runOnce();
      expect(rx.posts).toHaveLength(1);
      expect(rx.posts[0]!.body.entry).toHaveLength(1);
      expect(rx.posts[0]!.body.entry[0].changes.map((c: any) => c.value.leadgen_id)).toEqual(ids);
    });

    it("splits and reorders batches", async () => {
      await setFaults({ split: true, reorder: true });
      const ids = await create([lead(), lead(), lead(), lead()]);
      await d.runOnce();
      expect(rx.posts).toHaveLength(4);
      expect(rx.posts.every((p) => p.body.entry.length === 1 && p.body.entry[0].changes.length === 1)).toBe(true);
      expect(rx.leadIds()).not.toEqual(ids);
      expect([...rx.leadIds()].sort()).toEqual([...ids].sort());
    });
  });

  it("prunes finished log rows older than the retention", async () => {
    const store = h.runtime.services.store;
    await store.webhooks.prune(h.clock.nowMs());
    const [id] = await create([lead()]);
    await d.runOnce();
    const [row] = await store.webhooks.list({ leadId: id!, limit: 1 });
    expect(row!.status).toBe("delivered");
    expect(await store.webhooks.attemptsOf(row!.id)).toHaveLength(1);
    expect(await store.webhooks.prune(h.clock.nowMs() - 3_600_000)).toBe(0);
    h.clock.advance(2 * 3_600_000);
    expect(await store.webhooks.prune(h.clock.nowMs() - 3_600_000)).toBeGreaterThanOrEqual(2);
    expect(await store.webhooks.get(row!.id)).toBeUndefined();
    expect(await store.webhooks.attemptsOf(row!.id)).toHaveLength(0);
  });

  it("disables a subscription after N hours of continuous failure when the policy says so", async () => {
    expect((await admin("POST", "/_leadgraph/admin/webhooks/subscriptions/1001/policy", { auto_disable_hours: 1 })).body).toMatchObject({
      auto_disable_hours: 1,
    });
    rx.postStatus = 500;
    await create([lead()]);
    for (let i = 0; i < 12; i++) {
      await d.runOnce();
      h.clock.advance(15 * 60_000);
    }
    const subs = await h.graph("GET", "/1001/subscriptions", { token: `1001|${SECRET}` });
    expect(subs.body.data[0].active).toBe(false);
    const disabled = await admin("GET", "/_leadgraph/admin/webhooks/disabled");
    expect(disabled.body.data).toHaveLength(1);
    expect(disabled.body.data[0].disabled_reason).toMatch(/every delivery failed for 1 h/);
    await admin("POST", "/_leadgraph/admin/webhooks/subscriptions/1001/policy", { auto_disable_hours: "default" });
  });
});
