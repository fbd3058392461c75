import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.ts";
import { loggerOptions } from "../src/http/logger.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

describe("structured request logs", () => {
  let h: Harness;
  let lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    h = await startHarness("sqlite", { world: exampleWorld() });
    const sink = new PassThrough();
    sink.on("data", (b: Buffer) =>
      lines.push(
        ...b
          .toString("utf8")
          .split("\n")
          .filter((l) => l !== ""),
      ),
    );
    app = await buildApp(h.runtime, { logger: loggerOptions("trace", sink), publicUrl: "http://leadgraph.test" });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  const logged = async () => {
    await new Promise((r) => setImmediate(r));
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it("writes one line per request, tagged with fbtrace_id, the id the client receives", async () => {
    lines = [];
    const res = await app.inject({ method: "GET", url: "/v25.0/9001?access_token=EAAB-page-acme" });
    expect(res.statusCode).toBe(200);
    const trace = res.headers["x-fb-trace-id"];
    expect(trace).toMatch(/^[\w-]{11}$/);
    const entries = await logged();
    // One line at info; below it (this logger runs at trace) only the arrival, for chasing hung requests.
    const mine = entries.filter((e) => e.fbtrace_id === trace && (e.level as number) >= 30);
    expect(mine.map((e) => e.msg)).toEqual(["request completed"]);
    expect(entries.filter((e) => e.fbtrace_id === trace && (e.level as number) < 30).map((e) => [e.level, e.msg])).toEqual([
      [20, "incoming request"],
    ]);
    expect(mine[0]).toMatchObject({
      level: 30,
      req: { method: "GET", url: "/v25.0/9001?access_token=[redacted]" },
      res: { statusCode: 200 },
      route: "/*",
    });
    expect(typeof mine[0]!.responseTime).toBe("number");
    expect(entries.some((e) => "reqId" in e)).toBe(false);
  });

  it("never writes a token, from the query string, the body or a header", async () => {
    lines = [];
    const secrets = ["EAAB-page-acme", "EAAB-user-ann", "not-a-real-token-123456", "s3cr3t-acme", h.runtime.adminKey];
    await app.inject({ method: "GET", url: "/v25.0/8001/leads?fields=id&access_token=EAAB-page-acme" });
    await app.inject({ method: "GET", url: "/v25.0/9001?access_token=not-a-real-token-123456" });
    await app.inject({ method: "GET", url: "/debug_token?input_token=EAAB-user-ann&access_token=EAAB-page-acme" });
    await app.inject({
      method: "GET",
      url: "/oauth/access_token?client_id=1001&client_secret=s3cr3t-acme&fb_exchange_token=EAAB-user-ann&grant_type=fb_exchange_token",
    });
    await app.inject({
      method: "POST",
      url: "/v25.0/9001",
      payload: "access_token=EAAB-page-acme&fields=id",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await app.inject({ method: "GET", url: "/v25.0/9001", headers: { authorization: "Bearer EAAB-user-ann" } });
    await app.inject({ method: "GET", url: "/_leadgraph/admin/instances", headers: { authorization: `Bearer ${h.runtime.adminKey}` } });
    await app.inject({ method: "GET", url: "/v25.0/9001?access_token=EAAB-page-acme&appsecret_proof=abc123proofvalue" });
    const text = lines.join("\n");
    expect(lines.filter((l) => l.includes('"request completed"')).length).toBe(8);
    expect(text).toContain("access_token=[redacted]");
    for (const s of [...secrets, "abc123proofvalue"]) expect(text).not.toContain(s);
  });

  it("reads over a socket log the request lines, with fbtrace_id and no token", async () => {
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    lines = [];
    const ok = await fetch(`${base}/v25.0/9001?access_token=EAAB-page-acme`);
    const bad = await fetch(`${base}/v25.0/9001`, { headers: { authorization: "Bearer not-a-real-token-123456" } });
    expect([ok.status, bad.status]).toEqual([200, 400]);
    await Promise.all([ok.text(), bad.text()]);
    const entries = await logged();
    for (const res of [ok, bad]) {
      const mine = entries.filter((e) => (e.level as number) >= 30 && e.fbtrace_id === res.headers.get("x-fb-trace-id"));
      expect(mine.map((e) => e.msg)).toEqual(["request completed"]);
      expect(mine[0]).toMatchObject({
        req: { method: "GET", url: expect.stringMatching(/^\/v25\.0\/9001/) },
        res: { statusCode: res.status },
      });
      expect(typeof mine[0]!.responseTime).toBe("number");
    }
    const text = lines.join("\n");
    expect(text).toContain("access_token=[redacted]");
    for (const secret of ["EAAB-page-acme", "not-a-real-token-123456"]) expect(text).not.toContain(secret);
  });

  it("keeps probes out of the request log", async () => {
    lines = [];
    await app.inject({ method: "GET", url: "/healthz" });
    await app.inject({ method: "GET", url: "/metrics" });
    await app.inject({ method: "GET", url: "/readyz" });
    expect(await logged()).toEqual([]);
  });
});
