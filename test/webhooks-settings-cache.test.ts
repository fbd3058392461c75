import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { DELIVERY_SETTINGS_TTL_MS } from "../src/domain/webhooks/config-changes.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN = "admin-key-for-cache-tests";
const APP_TOKEN = "1001|s3cr3t-acme";

/**
 * The dispatcher caches each app's and page's delivery settings; a change made through this
 * process's API applies to the very next delivery, one it cannot hear of within the cache's TTL.
 */
describe.each(databaseKinds())("webhook delivery settings cache (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  let other: Receiver;
  let d: WebhookDispatcher;
  let wall: ManualWallClock;

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(), config: { adminKey: ADMIN } });
    rx = new Receiver();
    other = new Receiver();
    await rx.start();
    await other.start();
  });
  afterAll(async () => {
    await rx?.close();
    await other?.close();
    await h?.close();
  });
  beforeEach(async () => {
    const store = h.runtime.services.store;
    await subscribeToReceiver(store, rx.url);
    rx.posts.length = 0;
    other.posts.length = 0;
    wall = new ManualWallClock();
    d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5, wallClock: wall });
    // Warm the cache, so every test proves the change replaced a cached value.
    await create(1);
    await d.runOnce();
    expect(rx.posts).toHaveLength(1);
    rx.posts.length = 0;
  });
  afterEach(async () => {
    await d.stop();
  });

  const create = (n: number) =>
    h.runtime.services.intake.create(
      Array.from({ length: n }, () => ({ formId: "8001", fieldData: [{ name: "full_name", values: ["Cache Test"] }] })),
      { source: "admin", fireWebhooks: true },
    );
  const admin = async (url: string, body: object = {}) => {
    const res = await h.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${ADMIN}` }, payload: body });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it("sends to a callback URL changed through the Graph API from the next delivery on", async () => {
    const sub = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: other.url, fields: ["leadgen"], verify_token: "vt" },
    });
    expect(sub.body).toEqual({ success: true });
    const [id] = await create(1);
    await d.runOnce();
    expect(rx.posts).toHaveLength(0);
    expect(other.leadIds()).toEqual([id]);
  });

  it("applies fault settings changed through the admin API at once", async () => {
    expect((await admin("/_leadgraph/admin/webhooks/subscriptions/1001/faults", { reset: true, split: true })).status).toBe(200);
    await create(2);
    await d.runOnce();
    expect(rx.posts).toHaveLength(2);
    await admin("/_leadgraph/admin/webhooks/subscriptions/1001/faults", { reset: true });
    await create(2);
    await d.runOnce();
    expect(rx.posts).toHaveLength(3);
  });

  it("signs with an app secret rotated through the admin API from the next delivery on", async () => {
    const rotated = await admin("/_leadgraph/admin/apps/1001/secret");
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    await create(1);
    await d.runOnce();
    const post = rx.posts[0]!;
    expect(post.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", secret).update(post.raw).digest("hex")}`);
  });

  it("sees a change it cannot hear of (another instance's) once the cache's entries age out", async () => {
    // Written straight to the database, as another instance would: nothing in this process is told.
    await sql`update webhook_subscriptions set callback_url = ${other.url} where app_id = '1001'`.execute(h.runtime.connection.db);
    const [stale] = await create(1);
    await d.runOnce();
    expect(rx.leadIds()).toEqual([stale]);
    await wall.advance(DELIVERY_SETTINGS_TTL_MS);
    const [fresh] = await create(1);
    await d.runOnce();
    expect(other.leadIds()).toEqual([fresh]);
    expect(rx.leadIds()).toEqual([stale]);
  });
});
