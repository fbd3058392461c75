import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.ts";
import { loggerOptions } from "../src/http/logger.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { databaseKinds, freshDatabase, type TestDatabase } from "./support/databases.ts";
import { exampleWorld } from "./support/worlds.ts";

const LIMITS = {
  authFailureLimit: 3,
  authFailureWindowSeconds: 3600,
  hostedFormSubmitsPerAddress: 2,
  hostedFormSubmitsPerForm: 4,
  hostedFormWindowSeconds: 3600,
};
const tokenOf = (page: string) => /name="_token" value="([^"]+)"/.exec(page)?.[1] ?? "";

describe.each(databaseKinds())("throttling failed credentials and form floods (%s)", (kind) => {
  let db: TestDatabase;
  let runtime: Runtime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base = "";
  const lines: string[] = [];
  beforeAll(async () => {
    db = await freshDatabase(kind);
    runtime = await createRuntime(loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent", ...LIMITS }));
    await loadWorld(runtime.services, exampleWorld());
    const sink = new PassThrough();
    sink.on("data", (b: Buffer) => lines.push(...b.toString("utf8").split("\n").filter(Boolean)));
    app = await buildApp(runtime, { logger: loggerOptions("info", sink) });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await db?.drop();
  });

  it("answers 429 with Retry-After once an address has sent too many wrong admin keys, right key or not", async () => {
    const admin = (key: string) => fetch(`${base}/_leadgraph/admin/instances`, { headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) expect((await admin(`wrong-admin-key-guess-${i}`)).status).toBe(401);
    const refused = await admin("wrong-admin-key-guess-3");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatchObject({ code: 4, type: "OAuthException", is_transient: true });
    expect((await admin(runtime.adminKey)).status).toBe(429);
    // Another address is not held back by this one.
    const other = await app.inject({
      method: "GET",
      url: "/_leadgraph/admin/instances",
      headers: { authorization: `Bearer ${runtime.adminKey}` },
      remoteAddress: "10.9.8.7",
    });
    expect(other.statusCode).toBe(200);
    await expect.poll(() => lines.some((l) => l.includes("throttled: too many failed admin keys"))).toBe(true);
    const text = lines.join("\n");
    for (let i = 0; i < 4; i++) expect(text).not.toContain(`wrong-admin-key-guess-${i}`);
    expect(text).not.toContain(runtime.adminKey);
  });

  it("answers 429 with Retry-After to an address that sent too many wrong client_secrets", async () => {
    const oauth = (secret: string) =>
      fetch(`${base}/oauth/access_token?grant_type=client_credentials&client_id=1001&client_secret=${secret}`);
    for (let i = 0; i < 3; i++) {
      const res = await oauth(`bad-secret-${i}`);
      expect(res.status).toBe(400);
      await res.arrayBuffer();
    }
    const refused = await oauth("bad-secret-3");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe(4);
    expect((await oauth("s3cr3t-acme")).status).toBe(429);
    // A batch does not multiply guesses: its operations count against the same address.
    const batch = await fetch(`${base}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        access_token: "EAAB-page-acme",
        batch: JSON.stringify([
          { method: "GET", relative_url: "oauth/access_token?grant_type=client_credentials&client_id=1001&client_secret=bad-secret-9" },
        ]),
      }),
    });
    expect(batch.status).toBe(200);
    expect((await batch.json())[0].code).toBe(429);
    const text = lines.join("\n");
    for (let i = 0; i < 4; i++) expect(text).not.toContain(`bad-secret-${i}`);
    expect(text).not.toContain("s3cr3t-acme");
  });

  const submit = async (address: string, name: string) => {
    const page = await app.inject({ method: "GET", url: "/forms/8001", remoteAddress: address });
    return app.inject({
      method: "POST",
      url: "/forms/8001",
      remoteAddress: address,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        _token: tokenOf(page.body),
        _action: "submit",
        "answer:full_name": name,
        "answer:email": `${name}@example.com`,
        "answer:car_make": "kia",
        "answer:selected_dealer": "99213450",
      }).toString(),
    });
  };

  it("limits hosted form submissions per address and per form with a friendly page", async () => {
    expect((await submit("10.0.0.1", "a1")).statusCode).toBe(200);
    expect((await submit("10.0.0.1", "a2")).statusCode).toBe(200);
    const busy = await submit("10.0.0.1", "a3");
    expect(busy.statusCode).toBe(429);
    expect(busy.headers["content-type"]).toMatch(/^text\/html/);
    expect(Number(busy.headers["retry-after"])).toBeGreaterThan(0);
    expect(busy.body).toContain("Too many submissions just now");
    // The form's own budget (4) is spent by other addresses.
    expect((await submit("10.0.0.2", "b1")).statusCode).toBe(200);
    expect((await submit("10.0.0.3", "c1")).statusCode).toBe(200);
    expect((await submit("10.0.0.4", "d1")).statusCode).toBe(429);
  });
});

describe.skipIf(!databaseKinds().includes("postgres"))("two runtimes on one PostgreSQL database share the budget", () => {
  it("counts wrong admin keys sent to either instance together", async () => {
    const db = await freshDatabase("postgres");
    const config = loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent", ...LIMITS });
    const a = await createRuntime(config);
    const b = await createRuntime(config);
    const [appA, appB] = [await buildApp(a), await buildApp(b)];
    try {
      const wrong = (app: typeof appA) =>
        app.inject({
          method: "GET",
          url: "/_leadgraph/admin/instances",
          headers: { authorization: "Bearer not-the-admin-key-x" },
          remoteAddress: "192.0.2.7",
        });
      expect((await wrong(appA)).statusCode).toBe(401);
      expect((await wrong(appB)).statusCode).toBe(401);
      expect((await wrong(appA)).statusCode).toBe(401);
      const refused = await wrong(appB);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["retry-after"]).toBeDefined();
      expect(
        (
          await appA.inject({
            method: "GET",
            url: "/_leadgraph/admin/instances",
            headers: { authorization: `Bearer ${a.adminKey}` },
            remoteAddress: "192.0.2.7",
          })
        ).statusCode,
      ).toBe(429);
    } finally {
      await appA.close();
      await appB.close();
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
