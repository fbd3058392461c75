import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { SETTLE_EVERY_MS } from "../src/dispatcher/dispatcher.ts";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { CANCEL_REASONS } from "../src/domain/webhooks/webhook-repository.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN = "admin-key-for-settle-tests";
const APP_TOKEN = "1001|s3cr3t-acme";

/**
 * Deliveries waiting for a receiver that goes away (its app, its page subscription to leadgen,
 * or its install on the page) are settled as `cancelled` with the reason, and never POSTed.
 * Redelivering one re-resolves the subscription at send time.
 */
describe.each(databaseKinds())("webhook deliveries nobody receives any more (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  let d: WebhookDispatcher;
  let wall: ManualWallClock;

  beforeAll(async () => {
    const world = exampleWorld();
    world.apps!.push({
      id: "1004",
      name: "Short-lived",
      secret: "short-secret",
      mode: "live",
      created_time: "2020-01-01T00:00:00+0000",
      require_appsecret_proof: false,
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
    await subscribeToReceiver(store, rx.url, { installOnPage: "3001" });
    rx.reset();
    wall = new ManualWallClock();
    d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5, wallClock: wall });
  });
  afterEach(async () => {
    await d.stop();
  });

  const create = () =>
    h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: ["Settle Me"] }] }], {
      source: "admin",
      fireWebhooks: true,
    });
  const admin = async (method: "GET" | "POST" | "DELETE", url: string, payload?: object) => {
    const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  /** A lead whose delivery failed twice (first attempt, immediate retry) and waits for its next try. */
  const waitingLead = async (): Promise<string> => {
    rx.postStatus = 503;
    const [id] = await create();
    await d.runOnce();
    rx.postStatus = 200;
    expect(await deliveriesOf(id!)).toMatchObject([{ status: "pending", attempts: 2 }]);
    return id!;
  };
  const deliveriesOf = async (leadId: string, appId = "1001") =>
    (await admin("GET", `/_leadgraph/admin/webhooks/deliveries?lead_id=${leadId}&app_id=${appId}`)).body.data as any[];

  it("cancels a delivery waiting to be retried when the app deletes its subscription, and POSTs nothing more", async () => {
    rx.postStatus = 503;
    const [id] = await create();
    await d.runOnce();
    expect(rx.failed.length).toBe(2); // first attempt and the immediate retry
    const [before] = await deliveriesOf(id!);
    expect(before).toMatchObject({ status: "pending", attempts: 2 });

    const del = await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN });
    expect(del.body).toEqual({ success: true });
    rx.postStatus = 200;
    h.clock.advance(3600_000);
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    expect(rx.failed).toHaveLength(2);
    const [after] = await deliveriesOf(id!);
    expect(after).toMatchObject({ status: "cancelled", attempts: 2, last_error: CANCEL_REASONS.subscription, next_attempt_time: null });
    expect(after.finished_time).toBe(Math.floor(h.clock.nowMs() / 1000));
    expect(
      (await admin("GET", "/_leadgraph/admin/webhooks/deliveries?status=cancelled&app_id=1001")).body.data.map((x: any) => x.lead_id),
    ).toContain(id);
    // Nothing pending is left behind for the queue gauges.
    expect(await h.runtime.services.store.webhooks.list({ appId: "1001", status: "pending", limit: 10 })).toEqual([]);
  });

  it("cancels deliveries of a page whose install of the app was removed", async () => {
    const cancelledMetric = async () => {
      const text = await h.runtime.metrics.registry.metrics();
      return Number(/^leadgraph_webhook_deliveries_cancelled_total (\d+)/m.exec(text)?.[1] ?? "0");
    };
    const before = await cancelledMetric();
    const id = await waitingLead();
    const del = await h.graph("DELETE", "/3001/subscribed_apps", { token: "EAAB-page-acme" });
    expect(del.body).toEqual({ success: true });
    h.clock.advance(3600_000);
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    const [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: "cancelled", attempts: 2, last_error: CANCEL_REASONS.install, last_http_status: 503 });
    expect(await cancelledMetric()).toBe(before + 1);
  });

  it("leaves out of a bulk redelivery the pages the app is no longer installed on, and names them", async () => {
    const store = h.runtime.services.store;
    await store.subscriptions.upsertInstall({ pageId: "3002", appId: "1001", subscribedFields: ["leadgen"], createdTime: TEST_NOW });
    try {
      const since = Math.floor(h.clock.nowMs() / 1000);
      const [onAcme] = await create();
      const [onOther] = await h.runtime.services.intake.create(
        [{ formId: "8002", fieldData: [{ name: "email", values: ["o@example.com"] }] }],
        { source: "admin", fireWebhooks: true },
      );
      await d.runOnce();
      expect(new Set(rx.leadIds())).toEqual(new Set([onAcme, onOther]));
      expect((await h.graph("DELETE", "/3001/subscribed_apps", { token: "EAAB-page-acme" })).body).toEqual({ success: true });

      const bulk = await admin("POST", "/_leadgraph/admin/webhooks/redeliver", { app_id: "1001", since });
      expect(bulk.status).toBe(200);
      expect(bulk.body).toMatchObject({
        success: true,
        count: 1,
        skipped: [{ page_id: "3001", reason: CANCEL_REASONS.install.replace(/^cancelled: /, ""), count: 1 }],
      });
      // Nothing was queued for page 3001; page 3002's lead goes out again.
      expect(await deliveriesOf(onAcme!)).toHaveLength(1);
      expect(await deliveriesOf(onOther!)).toMatchObject([{ kind: "redelivery", id: bulk.body.ids[0] }, { kind: "event" }]);
      rx.reset();
      await d.runOnce();
      expect(rx.leadIds()).toEqual([onOther]);
    } finally {
      await store.subscriptions.removeInstall("3002", "1001");
    }
  });

  it("cancels deliveries of an app deleted through the admin API at its next pass", async () => {
    const store = h.runtime.services.store;
    await store.subscriptions.upsert({
      appId: "1004",
      object: "page",
      callbackUrl: rx.url,
      fields: ["leadgen"],
      verifyToken: "vt",
      includeValues: false,
      active: true,
      createdTime: TEST_NOW,
    });
    await store.subscriptions.upsertInstall({ pageId: "3001", appId: "1004", subscribedFields: ["leadgen"], createdTime: TEST_NOW });
    rx.postStatus = 503;
    const [id] = await create();
    await d.runOnce();
    expect(await deliveriesOf(id!, "1004")).toMatchObject([{ status: "pending" }]);
    expect((await admin("DELETE", "/_leadgraph/admin/apps/1004")).status).toBe(200);
    rx.postStatus = 200;
    h.clock.advance(3600_000);
    // The app's subscription went with it (a cascade); the deletion itself tells the dispatcher.
    await d.runOnce();
    // App 1001 still receives the lead; the deleted app's delivery is settled.
    expect(rx.leadIds()).toEqual([id]);
    expect(await deliveriesOf(id!, "1004")).toMatchObject([{ status: "cancelled", last_error: CANCEL_REASONS.app }]);
  });

  it("refuses to redeliver while nothing would receive it, and redelivers to the subscription current at send time once there is one", async () => {
    const id = await waitingLead();
    await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN });
    await d.runOnce();
    const [cancelled] = await deliveriesOf(id);
    expect(cancelled.status).toBe("cancelled");

    // Still no subscription: the redelivery is refused with the reason, and nothing is created.
    const again = await admin("POST", `/_leadgraph/admin/webhooks/deliveries/${cancelled.id}/redeliver`);
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 100, type: "OAuthException" });
    expect(again.body.error.message).toBe(
      "(#100) Nothing would receive this redelivery: the app no longer subscribes to leadgen for page. Subscribe the app to leadgen for page and install it on the page, then redeliver.",
    );
    expect(await deliveriesOf(id)).toHaveLength(1);
    const bulk = await admin("POST", "/_leadgraph/admin/webhooks/redeliver", { app_id: "1001", since: 0 });
    expect(bulk.status).toBe(400);
    expect(await deliveriesOf(id)).toHaveLength(1);

    // Subscribed again (handshake through the Graph API): a redelivery goes to the new callback.
    const sub = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: rx.url, fields: ["leadgen"], verify_token: "vt" },
    });
    expect(sub.body).toEqual({ success: true });
    const third = await admin("POST", `/_leadgraph/admin/webhooks/deliveries/${cancelled.id}/redeliver`);
    await d.runOnce();
    expect(rx.leadIds()).toEqual([id]);
    expect((await admin("GET", `/_leadgraph/admin/webhooks/deliveries/${third.body.id}`)).body).toMatchObject({ status: "delivered" });
  });

  it("holds, rather than cancels, the deliveries of a disabled subscription", async () => {
    const id = await waitingLead();
    await h.runtime.services.store.webhooks.disable("1001", h.clock.nowMs(), "test");
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    expect(await deliveriesOf(id)).toMatchObject([{ status: "pending" }]);
    h.clock.advance(3600_000);
    await subscribeToReceiver(h.runtime.services.store, rx.url);
    await d.runOnce();
    expect(rx.leadIds()).toEqual([id]);
  });

  it("settles what another instance changed at its periodic look", async () => {
    const id = await waitingLead();
    // Another instance's write: straight to the database, so this process's change counter never hears of it.
    await h.runtime.connection.db.deleteFrom("webhook_subscriptions").where("app_id", "=", "1001").execute();
    await d.runOnce();
    expect(await deliveriesOf(id)).toMatchObject([{ status: "pending" }]);
    await wall.advance(SETTLE_EVERY_MS);
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    expect(await deliveriesOf(id)).toMatchObject([{ status: "cancelled", last_error: CANCEL_REASONS.subscription }]);
  });

  it("settles on its first pass what another instance changed while it was not watching", async () => {
    const id = await waitingLead();
    await d.stop();
    wall = new ManualWallClock();
    d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5, wallClock: wall });
    h.clock.advance(3600_000);
    // Another instance's write: straight to the database, so this process's change counter never hears of it.
    await h.runtime.connection.db.deleteFrom("webhook_subscriptions").where("app_id", "=", "1001").execute();
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    expect(await deliveriesOf(id)).toMatchObject([{ status: "cancelled", last_error: CANCEL_REASONS.subscription }]);
  });
});
