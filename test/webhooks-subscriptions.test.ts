import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

const APP_TOKEN = "1001|s3cr3t-acme";

describe.each(databaseKinds())("app subscriptions and page installs (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    const world = exampleWorld();
    world.tokens!.push({
      token: "EAAB-page-nometa",
      type: "PAGE",
      app_id: "1001",
      user_id: "2001",
      page_id: "3001",
      scopes: ["leads_retrieval"],
      expires_at: null,
    });
    world.apps!.push({
      id: "1002",
      name: "Other App",
      secret: "other-secret",
      mode: "live",
      created_time: "2020-01-01T00:00:00+0000",
      require_appsecret_proof: false,
    });
    h = await startHarness(kind, { world });
    rx = new Receiver();
    await rx.start();
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });
  beforeEach(() => {
    rx.gets.length = 0;
    rx.onGet = (url) =>
      url.searchParams.get("hub.verify_token") === rx.verifyToken
        ? { status: 200, body: url.searchParams.get("hub.challenge") ?? "" }
        : { status: 403, body: "bad token" };
  });

  const subs = async () => (await h.graph("GET", "/v25.0/1001/subscriptions", { token: APP_TOKEN })).body;

  it("verifies the callback with Meta's handshake and stores the subscription", async () => {
    const res = await h.graph("POST", "/v25.0/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: rx.url, fields: ["leadgen"], verify_token: "vt", include_values: true },
    });
    expect(res.body).toEqual({ success: true });
    expect(rx.gets).toHaveLength(1);
    const get = rx.gets[0]!;
    expect(get.url.searchParams.get("hub.mode")).toBe("subscribe");
    expect(get.url.searchParams.get("hub.verify_token")).toBe("vt");
    expect(get.url.searchParams.get("hub.challenge")).toMatch(/^\d+$/);
    expect(get.headers["user-agent"]).toBe("facebookplatform/1.0 (+http://developers.facebook.com)");
    expect(await subs()).toEqual({
      data: [{ object: "page", callback_url: rx.url, active: true, fields: [{ name: "leadgen", version: "v25.0" }] }],
    });
  });

  it.each([
    ["urlencoded JSON text", "object=page&fields=%5B%22leadgen%22%5D&verify_token=vt&include_values=true"],
    ["indexed keys", "object=page&fields%5B0%5D=leadgen&verify_token=vt"],
    ["a comma list", "object=page&fields=leadgen,feed&verify_token=vt"],
  ])("accepts fields as %s", async (_name, form) => {
    const res = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: `${form}&callback_url=${encodeURIComponent(rx.url)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.body).toEqual({ success: true });
    expect((await subs()).data[0].fields.map((f: any) => f.name)).toContain("leadgen");
  });

  it("accepts the parameters in the query string", async () => {
    const res = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      query: { object: "page", callback_url: rx.url, fields: "leadgen", verify_token: "vt" },
    });
    expect(res.body).toEqual({ success: true });
  });

  it.each([
    ["a non-2xx answer", () => ({ status: 500, body: "boom" }), /HTTP Status Code = 500; HTTP Message = Internal Server Error$/],
    ["a wrong body", () => ({ status: 200, body: "hello" }), /Response does not match challenge, expected \d+ but received "hello"/],
    [
      "a verify-token mismatch",
      (u: URL) => (u.searchParams.get("hub.verify_token") === "nope" ? { status: 200, body: "x" } : { status: 403, body: "bad token" }),
      /HTTP Status Code = 403/,
    ],
  ])("fails with (#2200) on %s and stores nothing", async (_name, onGet, message) => {
    await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN });
    rx.onGet = onGet;
    const res = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: rx.url, fields: ["leadgen"], verify_token: "vt" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 2200, type: "OAuthException" });
    expect(res.body.error.message).toMatch(/^\(#2200\) Callback verification failed with the following errors: /);
    expect(res.body.error.message).toMatch(message);
    expect(await subs()).toEqual({ data: [] });
  });

  it("fails with (#2200) saying it could not connect when nothing listens", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const res = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: `http://127.0.0.1:${port}/hook`, fields: ["leadgen"], verify_token: "vt" },
    });
    expect(res.body.error.code).toBe(2200);
    expect(res.body.error.message).toMatch(
      /Couldn't connect to http:\/\/127\.0\.0\.1:\d+ \(connection failed, or no HTTP answer within 10000 ms\)$/,
    );
  });

  it("needs the app's own app token", async () => {
    const user = await h.graph("GET", "/1001/subscriptions", { token: "EAAB-user-ann" });
    expect(user.body.error).toMatchObject({ code: 15, message: "(#15) This method must be called with an app access_token." });
    const other = await h.graph("GET", "/1001/subscriptions", { token: "1002|other-secret" });
    expect(other.body.error).toMatchObject({ code: 10 });
  });

  it("validates its parameters with Graph errors", async () => {
    const noObject = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { callback_url: rx.url, fields: ["leadgen"], verify_token: "vt" },
    });
    expect(noObject.body.error).toMatchObject({ code: 100, message: "(#100) The parameter object is required." });
    const badUrl = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: "not a url", fields: ["leadgen"], verify_token: "vt" },
    });
    expect(badUrl.body.error.message).toBe("(#100) callback_url URL is not properly formatted");
    const noFields = await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: rx.url, verify_token: "vt" },
    });
    expect(noFields.body.error.message).toBe("(#100) The parameter fields is required.");
    expect(rx.gets).toHaveLength(0);
  });

  it("deletes by fields, then everything", async () => {
    await h.graph("POST", "/1001/subscriptions", {
      token: APP_TOKEN,
      body: { object: "page", callback_url: rx.url, fields: ["leadgen", "feed"], verify_token: "vt" },
    });
    expect((await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN, query: { object: "page", fields: "feed" } })).body).toEqual({
      success: true,
    });
    expect((await subs()).data[0].fields.map((f: any) => f.name)).toEqual(["leadgen"]);
    expect((await h.graph("DELETE", "/1001/subscriptions", { token: APP_TOKEN })).body).toEqual({ success: true });
    expect(await subs()).toEqual({ data: [] });
  });

  it("installs, lists and removes the app on a page with a page token holding pages_manage_metadata", async () => {
    expect((await h.graph("DELETE", "/3001/subscribed_apps", { token: "EAAB-page-acme" })).body).toEqual({ success: true });
    expect((await h.graph("GET", "/3001/subscribed_apps", { token: "EAAB-page-acme" })).body).toEqual({ data: [] });
    const post = await h.graph("POST", "/3001/subscribed_apps", { token: "EAAB-page-acme", query: { subscribed_fields: "leadgen,feed" } });
    expect(post.body).toEqual({ success: true });
    const get = await h.graph("GET", "/3001/subscribed_apps", { token: "EAAB-page-acme" });
    expect(get.body).toEqual({
      data: [
        {
          category: "Business",
          link: "https://www.facebook.com/games/?app_id=1001",
          name: "Acme CRM",
          id: "1001",
          subscribed_fields: ["leadgen", "feed"],
        },
      ],
    });
    const json = await h.graph("POST", "/3001/subscribed_apps", { token: "EAAB-page-acme", body: { subscribed_fields: ["leadgen"] } });
    expect(json.body).toEqual({ success: true });
    expect((await h.graph("GET", "/3001/subscribed_apps", { token: "EAAB-page-acme" })).body.data[0].subscribed_fields).toEqual([
      "leadgen",
    ]);
  });

  it("refuses user tokens and page tokens without pages_manage_metadata", async () => {
    const user = await h.graph("POST", "/3001/subscribed_apps", { token: "EAAB-user-ann", query: { subscribed_fields: "leadgen" } });
    expect(user.body.error).toMatchObject({ code: 190, message: "(#190) This method must be called with a Page Access Token" });
    const scope = await h.graph("POST", "/3001/subscribed_apps", { token: "EAAB-page-nometa", query: { subscribed_fields: "leadgen" } });
    expect(scope.body.error).toMatchObject({ code: 200, message: "(#200) Requires pages_manage_metadata permission to manage the object" });
    const missing = await h.graph("POST", "/3001/subscribed_apps", { token: "EAAB-page-acme" });
    expect(missing.body.error.message).toBe("(#100) The parameter subscribed_fields is required.");
  });

  it("renders the App node", async () => {
    const res = await h.graph("GET", "/1001", { token: "EAAB-user-ann", query: { fields: "id,name,link,category" } });
    expect(res.body).toEqual({ id: "1001", name: "Acme CRM", link: "https://www.facebook.com/games/?app_id=1001", category: "Business" });
  });
});
