import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleModule } from "../src/console/serve-console.ts";
import type { Runtime } from "../src/runtime/runtime.ts";
import { ensureConsoleBuilt } from "./support/browser.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-test-admin-key-0123456789";

describe("console static module without a build", () => {
  it("answers every /console path with instructions to build it", async () => {
    const empty = mkdtempSync(join(tmpdir(), "leadgraph-console-"));
    const app = Fastify();
    await consoleModule(`${empty}/`)(app, {} as Runtime, { publicUrl: "http://x" });
    for (const url of ["/console", "/console/", "/console/forms/1/2"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(503);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).toContain("npm run build:console");
    }
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  });
});

describe.each(databaseKinds())("console served by the app (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    await ensureConsoleBuilt();
    h = await startHarness(kind, { world: exampleWorld(), config: { adminKey: ADMIN_KEY } });
  });
  afterAll(async () => h?.close());

  it("serves index.html for the console and its client routes, assets as files", async () => {
    const index = await h.app.inject({ method: "GET", url: "/console" });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<div id="app"></div>');
    const route = await h.app.inject({ method: "GET", url: "/console/forms/3001/8001?from=1" });
    expect(route.statusCode).toBe(200);
    expect(route.body).toBe(index.body);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    expect(asset).toBeDefined();
    const js = await h.app.inject({ method: "GET", url: asset! });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toContain("javascript");
    expect(js.headers["cache-control"]).toContain("immutable");
    // Nothing in the bundle loads from another origin at run time.
    expect(index.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("refuses the console session without the admin key", async () => {
    const res = await h.graph("POST", "/_leadgraph/admin/console/session", { headers: { authorization: "Bearer wrong-key-wrong-key" } });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 190, type: "OAuthException" });
  });

  it("hands out one short-lived page token per page that reads that page through Graph", async () => {
    const res = await h.graph("POST", "/_leadgraph/admin/console/session", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ now: TEST_NOW, clock: "manual" });
    const pages = res.body.data as { id: string; access_token: string; expires_at: number; user_id: string }[];
    expect(pages.map((p) => p.id).sort()).toEqual(["3001", "3002"]);
    const acme = pages.find((p) => p.id === "3001")!;
    expect(acme.user_id).toBe("2001");
    expect(acme.expires_at).toBe(TEST_NOW + 3600);
    const forms = await h.graph("GET", "/v25.0/3001/leadgen_forms", { token: acme.access_token });
    expect(forms.status).toBe(200);
    expect(forms.body.data.map((f: { id: string }) => f.id)).toEqual(["8001"]);
    // A page token reads only its own page.
    const other = await h.graph("GET", "/v25.0/8002", { token: acme.access_token });
    expect(other.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    // Expired when the clock passes the hour.
    h.clock.advance(3601 * 1000);
    const late = await h.graph("GET", "/v25.0/3001", { token: acme.access_token });
    expect(late.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    // A new session clears the expired console tokens, and only those.
    const before = await h.runtime.services.store.tokens.list({});
    const again = await h.graph("POST", "/_leadgraph/admin/console/session", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(again.status).toBe(200);
    const after = await h.runtime.services.store.tokens.list({});
    expect(after.filter((t) => t.label === "console").length).toBe(2);
    expect(after.filter((t) => t.label !== "console").length).toBe(before.filter((t) => t.label !== "console").length);
    h.clock.set(TEST_NOW * 1000);
  });

  it("reserves the console label: a token made through the admin API cannot take it, and console reads are not metered", async () => {
    const made = await h.graph("POST", "/_leadgraph/admin/tokens", {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      body: { type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3001", scopes: ["leads_retrieval"], label: "console" },
    });
    expect(made.status).toBe(400);
    expect(made.body.error.message).toContain("reserved for the developer console");

    const session = await h.graph("POST", "/_leadgraph/admin/console/session", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const token = (session.body.data as { id: string; access_token: string }[]).find((p) => p.id === "3001")!.access_token;
    const usedOf = async () =>
      (await h.graph("GET", "/_leadgraph/admin/limits/3001", { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).body.used as number;
    const before = await usedOf();
    for (let i = 0; i < 3; i++) expect((await h.graph("GET", "/v25.0/8001/leads", { token })).status).toBe(200);
    expect(await usedOf()).toBe(before);
    // The same read with the page's own token is counted.
    expect((await h.graph("GET", "/v25.0/8001/leads", { token: "EAAB-page-acme" })).status).toBe(200);
    expect(await usedOf()).toBe(before + 1);
  });

  it("answers an unknown admin path with a Graph error after the key check, not a token error", async () => {
    const res = await h.graph("GET", "/_leadgraph/admin/no-such-thing", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 2500, message: "Unknown path components: /_leadgraph/admin/no-such-thing" });
    const noKey = await h.graph("GET", "/_leadgraph/admin/no-such-thing");
    expect(noKey.status).toBe(401);
  });
});
