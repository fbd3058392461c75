import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactText, redactUrl } from "../src/contract/redact-secrets.ts";
import { buildApp } from "../src/http/app.ts";
import { loggerOptions } from "../src/http/logger.ts";
import { createSyncLog } from "../src/sync/sync-log.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/** Every spelling of every credential name that the server's parser reads as that name. */
const SPELLINGS = [
  "access_token",
  "access%5Ftoken",
  "%61ccess_token",
  "%61%63%63%65%73%73%5f%74%6f%6b%65%6e",
  "access_token[0]",
  "access_token%5B0%5D",
  "input_token",
  "input%5Ftoken",
  "fb_exchange_token",
  "fb%5Fexchange%5Ftoken",
  "client_secret",
  "client%5Fsecret",
  "%63lient_secret",
  "appsecret_proof",
  "appsecret%5Fproof",
  "verify_token",
  "verify%5Ftoken",
  "hub.verify_token",
  "hub%2Everify_token",
  "hub.verify%5Ftoken",
  "admin_key",
];
const secretFor = (i: number, where: string) => `SECRETVALUE${where}${i}x${"q".repeat(i % 3)}`;

describe("credentials never reach the logs, however they are spelled", () => {
  let h: Harness;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base = "";
  const lines: string[] = [];
  const sent: string[] = [];

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
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it("masks every spelling in query strings and bodies sent over a socket", async () => {
    const paths = [
      "/v25.0/9001",
      "/v25.0/8001/leads",
      "/debug_token",
      "/oauth/access_token",
      "/1001/subscriptions",
      "/_leadgraph/admin/instances",
      "/forms/8001",
    ];
    for (const [i, name] of SPELLINGS.entries()) {
      for (const path of paths) {
        const q = secretFor(i, `Q${paths.indexOf(path)}`);
        sent.push(q);
        const res = await fetch(`${base}${path}?fields=id&${name}=${q}`);
        expect(res.status).toBeGreaterThanOrEqual(200);
        await res.arrayBuffer();
      }
      const form = secretFor(i, "F");
      const json = secretFor(i, "J");
      const multi = secretFor(i, "M");
      sent.push(form, json, multi);
      const decoded = decodeURIComponent(name);
      await (
        await fetch(`${base}/v25.0/9001`, {
          method: "POST",
          body: `fields=id&${name}=${form}`,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).arrayBuffer();
      await (
        await fetch(`${base}/v25.0/9001`, {
          method: "POST",
          body: JSON.stringify({ [decoded]: json }),
          headers: { "content-type": "application/json" },
        })
      ).arrayBuffer();
      const fd = new FormData();
      fd.set(decoded, multi);
      await (await fetch(`${base}/v25.0/9001`, { method: "POST", body: fd })).arrayBuffer();
    }
    // A spelling that authenticates: the real page token under an encoded name is accepted, and masked.
    const ok = await fetch(`${base}/v25.0/9001?fields=id&access%5Ftoken=EAAB-page-acme`);
    expect(ok.status).toBe(200);
    const ok2 = await fetch(`${base}/v25.0/9001?fields=id&%61ccess_token=EAAB-page-acme`);
    expect(ok2.status).toBe(200);
    await expect
      .poll(() => lines.filter((l) => l.includes('"request completed"')).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(SPELLINGS.length * (paths.length + 3) + 2);
    const text = lines.join("\n");
    expect(text).toContain("[redacted]");
    expect(text).toContain("access%5Ftoken=[redacted]");
    expect(text).toContain("hub.verify_token=[redacted]");
    for (const s of [...sent, "EAAB-page-acme"]) expect(text, `${s} was logged`).not.toContain(s);
  });

  it("masks URLs quoted inside messages and errors, in the server's and sync's logs", () => {
    expect(redactUrl("https://cb.example/hook?hub.mode=subscribe&hub%2Everify_token=abc&x=1#f")).toBe(
      "https://cb.example/hook?hub.mode=subscribe&hub%2Everify_token=[redacted]&x=1#f",
    );
    expect(redactText('fetch https://graph.example/v21.0/1?access_token=EAAB1&appsecret_proof=ff failed; body "client%5Fsecret=zz"')).toBe(
      'fetch https://graph.example/v21.0/1?access_token=[redacted]&appsecret_proof=[redacted] failed; body "client%5Fsecret=[redacted]"',
    );
    const out: string[] = [];
    const sink = new PassThrough();
    sink.on("data", (b: Buffer) => out.push(b.toString("utf8")));
    const log = createSyncLog("info", sink);
    log.warn({ access_token: "SYNCOBJSECRET" }, "GET https://graph.example/1?%61ccess_token=SYNCMSGSECRET failed");
    const written = out.join("");
    expect(written).toContain("failed");
    expect(written).not.toContain("SYNCOBJSECRET");
    expect(written).not.toContain("SYNCMSGSECRET");
  });
});
