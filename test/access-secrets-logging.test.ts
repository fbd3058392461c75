import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.ts";
import { loggerOptions } from "../src/http/logger.ts";
import { accessWorld } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";

describe.each(databaseKinds())("token and secret handling leaves nothing secret in logs (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
  });
  afterAll(async () => h?.close());

  it("logs requests that carry tokens, secrets and proofs without them", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const opts = loggerOptions("info");
    const app = await buildApp(h.runtime, { logger: { ...(opts as object), stream } as never });
    try {
      const cc = await app.inject({
        method: "GET",
        url: "/oauth/access_token?grant_type=client_credentials&client_id=1001&client_secret=s3cr3t-acme",
      });
      const appToken = JSON.parse(cc.body).access_token as string;
      await app.inject({ method: "GET", url: `/debug_token?input_token=EAAB-user-ann&access_token=${encodeURIComponent(appToken)}` });
      await app.inject({
        method: "GET",
        url: "/oauth/access_token?grant_type=fb_exchange_token&client_id=1001&client_secret=s3cr3t-acme&fb_exchange_token=EAAB-user-lee",
      });
      const issued = await app.inject({
        method: "POST",
        url: "/_leadgraph/admin/tokens",
        headers: { authorization: `Bearer ${h.runtime.adminKey}` },
        payload: { type: "USER", app_id: "1001", user_id: "2001" },
      });
      const text = JSON.parse(issued.body).access_token as string;
      await app.inject({ method: "GET", url: `/9001?access_token=${text}&appsecret_proof=abcdef` });
      await app.inject({
        method: "POST",
        url: "/_leadgraph/admin/apps",
        headers: { authorization: `Bearer ${h.runtime.adminKey}` },
        payload: { name: "Logged" },
      });
      const log = lines.join("");
      expect(log).toContain("/oauth/access_token");
      for (const secret of ["s3cr3t-acme", appToken, "EAAB-user-ann", "EAAB-user-lee", text, "abcdef", h.runtime.adminKey]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });
});
