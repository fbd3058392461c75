import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphLeadsClient } from "../src/client/index.ts";
import { appsecretProof } from "../src/domain/access/authenticate.ts";
import { admin } from "./support/admin-client.ts";
import { accessWorld } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";

/** App 1003 requires appsecret_proof; EAAB-proof-ann is a user token of it. */
describe.each(databaseKinds())("app tokens as Meta has them (%s)", (kind) => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld(), config: { adminKey: "admin-key-for-app-token-tests" } });
    url = await h.listen();
  });
  afterAll(async () => h?.close());

  const credentials = async (secret = "s3cr3t-proof") =>
    h.graph("POST", "/oauth/access_token", { body: { grant_type: "client_credentials", client_id: "1003", client_secret: secret } });

  it("accepts the literal APP_ID|APP_SECRET without a proof on an app that requires proofs, and checks a proof sent", async () => {
    const ok = await h.graph("GET", "/debug_token", { token: "1003|s3cr3t-proof", query: { input_token: "EAAB-proof-ann" } });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ app_id: "1003", type: "USER", is_valid: true });
    const wrong = await h.graph("GET", "/debug_token", {
      token: "1003|s3cr3t-proof",
      query: { input_token: "EAAB-proof-ann", appsecret_proof: "00".repeat(32) },
    });
    expect(wrong.body.error).toMatchObject({ code: 100, type: "GraphMethodException" });
    const right = appsecretProof("s3cr3t-proof", "1003|s3cr3t-proof");
    expect(
      (
        await h.graph("GET", "/debug_token", {
          token: "1003|s3cr3t-proof",
          query: { input_token: "EAAB-proof-ann", appsecret_proof: right },
        })
      ).status,
    ).toBe(200);
    // user tokens of the app still need their proof
    expect((await h.graph("GET", "/me", { token: "EAAB-proof-ann" })).body.error.message).toBe(
      "API calls from the server require an appsecret_proof argument",
    );
  });

  it("client_credentials hands back the same app token every time, usable without a proof", async () => {
    const a = await credentials();
    const b = await credentials();
    expect(a.status).toBe(200);
    expect(a.body.access_token).toMatch(/^1003\|[A-Za-z0-9]{27}$/);
    expect(b.body.access_token).toBe(a.body.access_token);
    expect(a.body.access_token).not.toContain("s3cr3t-proof");
    const d = await h.graph("GET", "/debug_token", { token: a.body.access_token, query: { input_token: a.body.access_token } });
    expect(d.body.data).toMatchObject({ app_id: "1003", type: "APP", is_valid: true });
    // another app's token is not mistaken for it
    const other = await h.graph("POST", "/oauth/access_token", {
      body: { grant_type: "client_credentials", client_id: "1001", client_secret: "s3cr3t-acme" },
    });
    expect(other.body.access_token).not.toBe(a.body.access_token);
    const mismatch = await h.graph("GET", "/debug_token", { token: other.body.access_token, query: { input_token: a.body.access_token } });
    expect(mismatch.status).toBe(400);
  });

  it("a reset secret changes the stable token and retires the old one", async () => {
    const before = (await credentials()).body.access_token as string;
    const reset = await admin(h, "POST", "/apps/1003/secret");
    expect(reset.status).toBe(200);
    const after = (await credentials(reset.body.secret)).body.access_token as string;
    expect(after).toMatch(/^1003\|/);
    expect(after).not.toBe(before);
    expect((await h.graph("GET", "/debug_token", { token: before, query: { input_token: after } })).body.error.code).toBe(190);
    // back to the world's secret for the other tests
    const app = (await h.runtime.services.store.directory.getApp("1003"))!;
    await h.runtime.services.store.directory.upsertApp({ ...app, secret: "s3cr3t-proof" });
  });

  it("GraphLeadsClient.debugToken works with the literal and the stable app token", async () => {
    const client = new GraphLeadsClient({ accessToken: "EAAB-proof-ann", appSecret: "s3cr3t-proof", baseUrl: url, version: "v25.0" });
    const viaSecret = await client.debugToken({ appId: "1003" });
    expect(viaSecret).toMatchObject({ app_id: "1003", type: "USER", is_valid: true });
    const stable = (await credentials()).body.access_token as string;
    const viaStable = await client.debugToken({ accessToken: stable });
    expect(viaStable).toMatchObject({ app_id: "1003", type: "USER", is_valid: true });
    const appOnly = new GraphLeadsClient({ accessToken: stable, baseUrl: url, version: "v25.0" });
    expect(await appOnly.debugToken()).toMatchObject({ app_id: "1003", type: "APP", is_valid: true });
  });
});
