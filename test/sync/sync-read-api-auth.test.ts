import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SyncProcess } from "../support/sync/sync-process.ts";

/** A sync process with no reachable Graph (a closed loopback port): only its HTTP surface is looked at. */
const dir = mkdtempSync(join(tmpdir(), "leadgraph-sync-auth-"));
const base = (db: string) => [
  "--page",
  "3001",
  "--access-token",
  "EAAB-x",
  "--app-secret",
  "app-secret",
  "--verify-token",
  "vt-123",
  "--base-url",
  "http://127.0.0.1:9",
  "--port",
  "0",
  "--reconcile-interval",
  "3600",
  "--log-level",
  "silent",
  "--db",
  join(dir, db),
];
const running: SyncProcess[] = [];
const start = async (args: string[], printed?: RegExp) => {
  // No key from the test environment: each case says what it starts with.
  const p = new SyncProcess(args, { LEADGRAPH_SYNC_API_KEY: "" });
  running.push(p);
  await p.ready;
  // What the CLI prints after its "listening on" line may cross the pipe a moment later.
  if (printed) await expect.poll(() => printed.test(p.stdout), { timeout: 10_000 }).toBe(true);
  return p;
};
const handshake = (url: string) => fetch(`${url}/webhook?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=c42`);

afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("leadgraph sync's read API is never open by default", () => {
  it("without a key: generates one, prints it once, refuses /leads and /status without it, keeps it across restarts", async () => {
    const first = await start(base("gen.db"), /read API key/);
    const key = /read API key \(generated now[^)]*\): (lgsync_[\w-]+)/.exec(first.stdout)?.[1];
    expect(key, first.stdout).toBeDefined();
    for (const path of ["/leads", "/status", "/leads/9001", "/anything"]) {
      const res = await fetch(`${first.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain('leads":');
    }
    expect((await fetch(`${first.url}/leads`, { method: "DELETE" })).status).toBe(401);
    expect((await fetch(`${first.url}/leads`, { headers: { authorization: "Bearer wrong-key" } })).status).toBe(401);
    expect((await fetch(`${first.url}/leads`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetch(`${first.url}/status`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // Health and the webhook handshake stay reachable without the key.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const hs = await handshake(first.url);
    expect(hs.status).toBe(200);
    expect(await hs.text()).toBe("c42");
    await first.kill();

    const second = await start(base("gen.db"));
    expect(second.stdout).not.toContain("lgsync_");
    expect((await fetch(`${second.url}/leads`)).status).toBe(401);
    expect((await fetch(`${second.url}/leads`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  }, 60_000);

  it("--api-key is used as given; --insecure-open serves the API without a key and says so", async () => {
    const keyed = await start([...base("keyed.db"), "--api-key", "my-own-read-api-key-123"]);
    expect(keyed.stdout).not.toContain("lgsync_");
    expect((await fetch(`${keyed.url}/leads`)).status).toBe(401);
    expect((await fetch(`${keyed.url}/leads`, { headers: { authorization: "Bearer my-own-read-api-key-123" } })).status).toBe(200);
    const open = await start([...base("open.db"), "--insecure-open"], /read API open/);
    expect(open.stdout).toMatch(/read API open without a key \(--insecure-open\)/);
    expect((await fetch(`${open.url}/leads`)).status).toBe(200);
  }, 60_000);

  it("--webhook-listen serves the webhook route alone on its own address", async () => {
    const p = await start(
      [...base("split.db"), "--api-key", "split-read-api-key-1234", "--webhook-listen", "127.0.0.1:0"],
      /webhook route/,
    );
    const hookUrl = /webhook route \/webhook served alone on (http:\/\/\S+)/.exec(p.stdout)?.[1];
    expect(hookUrl, p.stdout).toBeDefined();
    expect(hookUrl).not.toBe(p.url);
    const hs = await handshake(hookUrl!);
    expect(hs.status).toBe(200);
    expect(await hs.text()).toBe("c42");
    // Nothing else on the exposed port, not even with the key.
    const auth = { authorization: "Bearer split-read-api-key-1234" };
    for (const path of ["/leads", "/status", "/leads/9001"])
      expect((await fetch(`${hookUrl}${path}`, { headers: auth })).status, path).toBe(404);
    expect((await fetch(`${hookUrl}/healthz`)).status).toBe(200);
    // The read API port does not serve the webhook.
    expect((await handshake(p.url)).status).toBe(401);
    expect((await fetch(`${p.url}/leads`, { headers: auth })).status).toBe(200);
  }, 60_000);
});
