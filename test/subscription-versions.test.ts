import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

const APP_TOKEN = "1001|s3cr3t-acme";

describe.each(databaseKinds())("subscriptions keep the version they were made with (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    const world = exampleWorld();
    world.subscriptions = [];
    h = await startHarness(kind, { world, config: { graphVersion: "v25.0" } });
    rx = new Receiver();
    await rx.start();
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  const subscribe = (path: string, body: Record<string, unknown>) =>
    h.graph("POST", path, { token: APP_TOKEN, body: { object: "page", callback_url: rx.url, verify_token: rx.verifyToken, ...body } });
  const versions = async (path: string) => {
    const res = await h.graph("GET", path, { token: APP_TOKEN });
    return Object.fromEntries(res.body.data[0].fields.map((f: { name: string; version: string }) => [f.name, f.version]));
  };

  it("stores the path's version and reports it whatever version the read names", async () => {
    expect((await subscribe("/v21.0/1001/subscriptions", { fields: ["leadgen"] })).body).toEqual({ success: true });
    for (const path of ["/v17.0/1001/subscriptions", "/v25.0/1001/subscriptions", "/1001/subscriptions"]) {
      expect(await versions(path)).toEqual({ leadgen: "v21.0" });
    }
  });

  it("a version sent with the call wins; fields posted later take their call's version, the others keep theirs", async () => {
    expect((await subscribe("/1001/subscriptions", { fields: ["feed"], version: "v19.0" })).status).toBe(200);
    expect(await versions("/v23.0/1001/subscriptions")).toEqual({ leadgen: "v21.0", feed: "v19.0" });
    expect((await subscribe("/1001/subscriptions", { fields: ["leadgen"] })).status).toBe(200);
    // unversioned path: the server's default version
    expect(await versions("/v17.0/1001/subscriptions")).toEqual({ leadgen: "v25.0", feed: "v19.0" });
    expect((await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN, query: { object: "page", fields: "feed" } })).body).toEqual({
      success: true,
    });
    expect(await versions("/v17.0/1001/subscriptions")).toEqual({ leadgen: "v25.0" });
  });

  it("refuses a version that is not one", async () => {
    const res = await subscribe("/1001/subscriptions", { fields: ["leadgen"], version: "latest" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, type: "OAuthException" });
    expect(res.body.error.message).toMatch(/version/);
  });

  it("a subscription stored without versions (before they were kept) reports the path's", async () => {
    const store = h.runtime.services.store;
    await store.subscriptions.upsert({
      appId: "1001",
      object: "page",
      callbackUrl: rx.url,
      fields: ["leadgen"],
      verifyToken: "vt",
      includeValues: true,
      active: true,
      createdTime: 1,
    });
    expect(await versions("/v22.0/1001/subscriptions")).toEqual({ leadgen: "v22.0" });
  });
});
