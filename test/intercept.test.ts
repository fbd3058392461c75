import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interceptCaOf } from "../src/http/app.ts";
import { CertificateAuthority } from "../src/intercept/certificate-authority.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

const run = promisify(execFile);
const EXTRA = 58; // with the two seed leads: 60 leads on form 8001, three pages of 25

/** An environment with no proxy or CA setting inherited from the machine: only what a test sets. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(https?_proxy|all_proxy|no_proxy|node_extra_ca_certs|node_use_env_proxy|ssl_cert_file|requests_ca_bundle|curl_ca_bundle)$/i.test(k)
    )
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Sends a raw CONNECT and reads until the proxy answers (and, if given, sends `then` through it). */
function rawConnect(proxyPort: number, target: string, then?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(proxyPort, "127.0.0.1", () => s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    let text = "";
    let sent = false;
    s.on("data", (c: Buffer) => {
      text += c.toString("utf8");
      if (then && !sent && text.includes("\r\n\r\n") && text.startsWith("HTTP/1.1 200")) {
        sent = true;
        s.write(then);
      }
      if (then && text.includes(then.trim())) s.end();
    });
    s.on("end", () => resolve(text));
    s.on("close", () => resolve(text));
    s.on("error", reject);
  });
}

describe.each(databaseKinds())("interception mode (%s)", (kind) => {
  let h: Harness;
  let caDir: string;
  let caPath: string;
  let proxy: string;
  let port: number;
  let rx: Receiver;
  let echo: Server;
  let echoPort: number;

  beforeAll(async () => {
    caDir = mkdtempSync(join(tmpdir(), "leadgraph-ca-"));
    h = await startHarness(kind, {
      world: exampleWorld(EXTRA),
      config: { intercept: true, interceptCaDir: caDir, interceptAllow: ["127.0.0.1"] },
    });
    proxy = await h.listen();
    port = Number(new URL(proxy).port);
    caPath = interceptCaOf(h.app)!.certPath;
    rx = new Receiver();
    await rx.start();
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => echo?.close(r));
    await rx?.close();
    await h?.close();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });

  it("keeps a certificate authority in the data dir, its key readable by its owner only, and reuses it", () => {
    expect(statSync(join(caDir, "leadgraph-ca.key")).mode & 0o777).toBe(0o600);
    const pem = readFileSync(caPath, "utf8");
    const cert = new X509Certificate(pem);
    expect(cert.ca).toBe(true);
    expect(CertificateAuthority.loadOrCreate(caDir).certPem).toBe(pem);
    const leaf = new X509Certificate(CertificateAuthority.loadOrCreate(caDir).leafCertificatePem("graph.facebook.com"));
    expect(leaf.checkIssued(cert)).toBe(true);
    expect(leaf.verify(cert.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe("DNS:graph.facebook.com");
  });

  it("the business SDK, unmodified, with only HTTPS_PROXY and NODE_EXTRA_CA_CERTS set", async () => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, "support/intercept-sdk-client.mjs")], {
      cwd: join(import.meta.dirname, ".."),
      env: cleanEnv({
        HTTPS_PROXY: proxy,
        NODE_EXTRA_CA_CERTS: caPath,
        LG_USER_TOKEN: "EAAB-user-ann",
        LG_PAGE_TOKEN: "EAAB-page-acme",
        LG_APP_TOKEN: "1001|s3cr3t-acme",
        LG_FORM_ID: "8001",
        LG_LEAD_ID: "9001",
        LG_APP_ID: "1001",
        LG_PAGE_ID: "3001",
        LG_CALLBACK_URL: rx.url,
        LG_VERIFY_TOKEN: rx.verifyToken,
      }),
      timeout: 60_000,
    });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(out.graph).toBe("https://graph.facebook.com");
    expect(out.next).toMatch(/^https:\/\/graph\.facebook\.com\/v\d+\.\d+\/8001\/leads\?/);
    expect(out.pages).toBe(3);
    expect(out.ids).toHaveLength(EXTRA + 2);
    expect(new Set(out.ids).size).toBe(EXTRA + 2);
    expect(out.lead).toMatchObject({ id: "9001", form_id: "8001" });
    expect(out.testLead.id).toMatch(/^\d+$/);
    expect(out.subscription).toMatchObject({ success: true });
    expect(rx.gets.length).toBeGreaterThan(0);
    expect(out.install).toMatchObject({ success: true });
    const subs = await h.graph("GET", "/1001/subscriptions", { token: "1001|s3cr3t-acme" });
    expect(subs.body.data[0]).toMatchObject({ object: "page", callback_url: rx.url });
    const installed = await h.graph("GET", "/3001/subscribed_apps", { token: "EAAB-page-acme" });
    expect(installed.body.data.map((a: { id: string }) => a.id)).toContain("1001");
    const test = await h.graph("GET", `/${out.testLead.id}`, { token: "EAAB-user-ann", query: { fields: "field_data" } });
    expect(test.body.field_data).toContainEqual({ name: "full_name", values: ["Through The Proxy"] });
  });

  it("curl through the proxy with the CA: Graph on graph.facebook.com, the export on www.facebook.com", async () => {
    const curl = (url: string) =>
      run("curl", ["-sS", "--fail-with-body", "--proxy", proxy, "--cacert", caPath, url], { env: cleanEnv({}), timeout: 30_000 });
    const lead = JSON.parse((await curl("https://graph.facebook.com/v25.0/9001?fields=id,form_id&access_token=EAAB-user-ann")).stdout);
    expect(lead).toEqual({ id: "9001", form_id: "8001" });
    const page = JSON.parse(
      (await curl("https://graph.facebook.com/v25.0/8001/leads?limit=2&fields=id&access_token=EAAB-user-ann")).stdout,
    );
    expect(page.paging.next).toMatch(/^https:\/\/graph\.facebook\.com\/v25\.0\/8001\/leads\?/);
    const next = JSON.parse((await curl(page.paging.next)).stdout);
    expect(next.data).toHaveLength(2);
    expect(next.data[0].id).not.toBe(page.data[0].id);
    const video = JSON.parse((await curl("https://graph-video.facebook.com/v25.0/9001?fields=id&access_token=EAAB-user-ann")).stdout);
    expect(video).toEqual({ id: "9001" });
    const csv = (await curl("https://www.facebook.com/ads/lead_gen/export_csv/?id=8001&type=form&access_token=EAAB-user-ann")).stdout;
    expect(csv.split("\n")[0]).toContain("full_name");
    // the same with the environment instead of flags
    const viaEnv = await run(
      "curl",
      ["-sS", "--fail-with-body", "https://graph.facebook.com/v25.0/9001?fields=id&access_token=EAAB-user-ann"],
      {
        env: cleanEnv({ HTTPS_PROXY: proxy, CURL_CA_BUNDLE: caPath }),
        timeout: 30_000,
      },
    );
    expect(JSON.parse(viaEnv.stdout)).toEqual({ id: "9001" });
  });

  it("Python requests with HTTPS_PROXY and REQUESTS_CA_BUNDLE follows paging.next", async (ctx) => {
    const probe = await run("python3", ["-c", "import requests"], { env: cleanEnv({}) }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    if (probe) {
      process.stdout.write(`skipped: python3 with requests is not installed (${probe.split("\n")[0]})\n`);
      ctx.skip();
    }
    const script = [
      "import json, requests",
      "r = requests.get('https://graph.facebook.com/v25.0/8001/leads', params={'limit': 25, 'fields': 'id', 'access_token': 'EAAB-user-ann'}).json()",
      "ids = [l['id'] for l in r['data']]",
      "while 'next' in r.get('paging', {}):",
      "    r = requests.get(r['paging']['next']).json()",
      "    ids += [l['id'] for l in r['data']]",
      "print(json.dumps(ids))",
    ].join("\n");
    const { stdout } = await run("python3", ["-c", script], {
      env: cleanEnv({ HTTPS_PROXY: proxy, REQUESTS_CA_BUNDLE: caPath }),
      timeout: 60_000,
    });
    const ids = JSON.parse(stdout) as string[];
    // every lead of the form (the SDK test may have added a test lead before this one)
    const total = (await h.graph("GET", "/v25.0/8001/leads", { token: "EAAB-user-ann", query: { summary: "true", limit: "1" } })).body
      .summary.total_count;
    expect(total).toBeGreaterThanOrEqual(EXTRA + 2);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  it("refuses a non-Meta host with a 403 that says how to allow it", async () => {
    const answer = await rawConnect(port, "example.com:443");
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(answer).toContain("--intercept-allow example.com");
    const viaCurl = await run("curl", ["-sS", "--proxy", proxy, "https://example.com/"], { env: cleanEnv({}), timeout: 30_000 }).then(
      () => "",
      (e: { stderr: string }) => e.stderr,
    );
    expect(viaCurl).toMatch(/403/);
    // A Meta host on another port is not answered either.
    expect(await rawConnect(port, "graph.facebook.com:8443")).toMatch(/^HTTP\/1\.1 403/);
    expect(await rawConnect(port, "not a target")).toMatch(/^HTTP\/1\.1 400/);
  });

  it("serves Meta hosts asked in absolute form (plain HTTP through the proxy), refuses others", async () => {
    const meta = await run("curl", ["-sS", "--proxy", proxy, "http://graph.facebook.com/v25.0/9001?fields=id&access_token=EAAB-user-ann"], {
      env: cleanEnv({}),
      timeout: 30_000,
    });
    expect(JSON.parse(meta.stdout)).toEqual({ id: "9001" });
    const other = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--proxy", proxy, "http://example.com/"], {
      env: cleanEnv({}),
      timeout: 30_000,
    });
    expect(other.stdout).toBe("403");
  });

  it("tunnels an allowed host unchanged", async () => {
    const answer = await rawConnect(port, `127.0.0.1:${echoPort}`, "ping through the tunnel\n");
    expect(answer).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\n/);
    expect(answer).toContain("ping through the tunnel");
  });

  it("the same server still answers direct calls, with Graph links naming graph.facebook.com", async () => {
    const res = await fetch(`${proxy}/v25.0/8001/leads?limit=1&fields=id&access_token=EAAB-user-ann`);
    const body = (await res.json()) as { paging: { next: string } };
    expect(body.paging.next.startsWith("https://graph.facebook.com/v25.0/8001/leads?")).toBe(true);
  });
});
