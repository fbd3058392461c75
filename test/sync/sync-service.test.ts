import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FORWARD_SIGNATURE_HEADER,
  loadSyncConfig,
  syncConfigFromEnv,
  syncConfigFromFile,
  type SyncLog,
  SyncService,
} from "../../src/sync/index.ts";
import { ManualWallClock } from "../../src/contract/wall-clock.ts";
import { waitFor } from "../support/sync/sync-process.ts";

const now = () => Math.floor(Date.now() / 1000);
let debugAnswer: () => { status: number; body: unknown } = () => ({ status: 200, body: {} });

/** A scripted Graph: one form with one lead, and a debug_token the test controls. */
let graph: Server;
let graphUrl = "";
let dir = "";
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadgraph-sync-svc-"));
  graph = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname.endsWith("/debug_token")) {
      const a = debugAnswer();
      return send(a.status, a.body);
    }
    if (url.pathname.endsWith("/3001/leadgen_forms")) return send(200, { data: [{ id: "8001", name: "Form" }] });
    if (url.pathname.endsWith("/8001/leads")) {
      return send(200, {
        data: [
          {
            id: "9001",
            created_time: "2026-11-20T10:00:00+0000",
            form_id: "8001",
            is_organic: true,
            platform: "fb",
            field_data: [{ name: "email", values: ["a@b.c"] }],
          },
        ],
      });
    }
    send(400, { error: { message: "Unknown path components: /x", type: "OAuthException", code: 2500, fbtrace_id: "T" } });
  });
  await new Promise<void>((r) => graph.listen(0, "127.0.0.1", r));
  graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => graph.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function captureLog(): SyncLog & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_o: object, msg: string) => void lines.push({ level, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: () => undefined };
}

async function run(name: string, extra: Record<string, unknown> = {}, opts: { wallClock?: ManualWallClock } = {}) {
  const log = captureLog();
  const s = new SyncService(
    loadSyncConfig({
      pages: [{ id: "3001" }],
      accessToken: "T",
      appId: "1001",
      appSecret: "sec",
      webhooks: false,
      baseUrl: graphUrl,
      db: join(dir, `${name}.db`),
      port: 0,
      logLevel: "silent",
      ...extra,
    }),
    log,
    opts,
  );
  await s.start();
  await waitFor(() => s.reconciler.last !== undefined, 20_000, "reconciliation");
  return { s, log };
}

describe("token watch", () => {
  it("warns days before a token expires (debug_token through the app token)", async () => {
    debugAnswer = () => ({ status: 200, body: { data: { is_valid: true, type: "PAGE", app_id: "1001", expires_at: now() + 2 * 86_400 } } });
    const { s, log } = await run("expiring", { tokenWarnDays: 7 });
    const st = (await s.status()) as any;
    expect(st.tokens["3001"].state).toBe("expiring");
    expect(log.lines).toContainEqual({ level: "warn", msg: expect.stringMatching(/token for page 3001 expires in 2\.0 days/) });
    expect(st.leads).toBe(1);
    await s.stop();
  });

  it("handles a server without debug_token: state unknown, sync goes on", async () => {
    debugAnswer = () => ({
      status: 400,
      body: { error: { message: "Unknown path components: /debug_token", type: "OAuthException", code: 2500, fbtrace_id: "T" } },
    });
    const { s } = await run("no-debug-token");
    const st = (await s.status()) as any;
    expect(st.tokens["3001"].state).toBe("unknown");
    expect(st.tokens["3001"].message).toMatch(/debug_token unavailable/);
    expect(st.leads).toBe(1);
    await s.stop();
  });

  it("reports an invalid token from debug_token", async () => {
    debugAnswer = () => ({
      status: 200,
      body: { data: { is_valid: false, expires_at: now() - 10, error: { code: 190, subcode: 463, message: "Session has expired" } } },
    });
    const { s, log } = await run("invalid");
    expect(((await s.status()) as any).tokens["3001"].state).toBe("expired");
    expect(log.lines.some((l) => l.level === "error" && /expired: Session has expired/.test(l.msg))).toBe(true);
    await s.stop();
  });
});

describe("forwarding", () => {
  it("POSTs each new lead once, signed, retrying a failing receiver", async () => {
    debugAnswer = () => ({ status: 200, body: { data: { is_valid: true, expires_at: 0 } } });
    const got: { body: string; sig: string }[] = [];
    let fail = 1;
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (fail-- > 0) return void res.writeHead(503).end();
        got.push({ body, sig: String(req.headers[FORWARD_SIGNATURE_HEADER]) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    // The retry waits its backoff (4 s after one failure) on the injected wall clock, moved here.
    const wall = new ManualWallClock(Date.now());
    const { s } = await run(
      "forward",
      { forwardUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`, forwardSecret: "fw" },
      { wallClock: wall },
    );
    // The forwarder looks for work every 500 ms of that clock while its outbox is empty.
    await waitFor(
      async () => {
        await wall.advance(500);
        return s.forwarder!.failures === 1;
      },
      20_000,
      "the first forward to fail",
    );
    expect(got).toEqual([]);
    await waitFor(
      async () => {
        await wall.advance(1_000);
        return got.length > 0;
      },
      20_000,
      "forwarded lead",
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.sig).toBe(`sha256=${createHmac("sha256", "fw").update(got[0]!.body).digest("hex")}`);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      object: "lead",
      lead: { id: "9001", page_id: "3001", form_id: "8001", field_data: [{ name: "email", values: ["a@b.c"] }] },
    });
    await s.reconcileNow();
    // Reconciling the same lead again queues no second forward: nothing is pending, however late.
    await waitFor(async () => (await s.store.dueForwards(Number.MAX_SAFE_INTEGER, 10)).length === 0, 20_000, "the forward to be settled");
    await wall.advance(3_600_000);
    expect(got).toHaveLength(1);
    expect(s.forwarder!.forwarded).toBe(1);
    await s.stop();
    await new Promise((r) => receiver.close(r));
  });
});

describe("read API", () => {
  it("serves /leads with keyset paging, /leads/:id and /status behind the API key", async () => {
    debugAnswer = () => ({ status: 200, body: { data: { is_valid: true, expires_at: 0 } } });
    const { s } = await run("read-api", { apiKey: "k3y-long-enough-for-a-key" });
    expect((await fetch(`${s.url}/leads`)).status).toBe(401);
    const auth = { authorization: "Bearer k3y-long-enough-for-a-key" };
    const list = await (await fetch(`${s.url}/leads?limit=1`, { headers: auth })).json();
    expect(list.data).toEqual([
      {
        id: "9001",
        created_time: "2026-11-20T10:00:00+0000",
        page_id: "3001",
        form_id: "8001",
        is_organic: true,
        platform: "fb",
        field_data: [{ name: "email", values: ["a@b.c"] }],
      },
    ]);
    expect(list.paging.next).toBeUndefined();
    expect((await fetch(`${s.url}/leads/9001`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${s.url}/leads/1`, { headers: auth })).status).toBe(404);
    expect((await (await fetch(`${s.url}/status`, { headers: auth })).json()).leads).toBe(1);
    await s.stop();
    // `leadgraph sync export` on the same file, as a real child process.
    const { execFileSync } = await import("node:child_process");
    const bin = join(import.meta.dirname, "../../bin/leadgraph.js");
    const csv = execFileSync(process.execPath, [bin, "sync", "export", "--db", join(dir, "read-api.db"), "--format", "csv"], {
      encoding: "utf8",
    });
    expect(csv.split("\n")[0]).toBe(
      "id,created_time,page_id,form_id,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,is_organic,platform,partner_name,retailer_item_id,email,custom_disclaimer_responses",
    );
    expect(csv.split("\n")[1]).toBe("9001,2026-11-20T10:00:00+0000,3001,8001,,,,,,,1,fb,,,a@b.c,");
    const jsonl = execFileSync(process.execPath, [bin, "sync", "export", "--db", join(dir, "read-api.db"), "--format", "jsonl"], {
      encoding: "utf8",
    });
    expect(
      jsonl
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["9001"]);
  }, 180_000);
});

describe("configuration", () => {
  it("layers file < env < flags and names every bad option", () => {
    const file = join(dir, "sync.json");
    writeFileSync(
      file,
      JSON.stringify({ pages: [{ id: "1", accessToken: "file-token" }], appSecret: "s", verifyToken: "v", port: 1000, overlap: 5 }),
    );
    const c = loadSyncConfig(
      syncConfigFromFile(file),
      syncConfigFromEnv({ LEADGRAPH_SYNC_PORT: "2000", LEADGRAPH_SYNC_OVERLAP: "7", LEADGRAPH_SYNC_PAGES: "" }),
      { port: 3000 },
    );
    expect(c).toMatchObject({
      port: 3000,
      overlap: 7,
      pages: [{ id: "1", accessToken: "file-token" }],
      baseUrl: "https://graph.facebook.com",
      graphVersion: "v25.0",
    });
    expect(
      loadSyncConfig(
        syncConfigFromEnv({ LEADGRAPH_SYNC_PAGES: "1, 2", LEADGRAPH_SYNC_ACCESS_TOKEN: "t", LEADGRAPH_SYNC_WEBHOOKS: "false" }),
      ).pages,
    ).toEqual([{ id: "1" }, { id: "2" }]);
    expect(() => loadSyncConfig({ pages: [{ id: "1" }], accessToken: "t" })).toThrow(/appSecret: webhooks need --app-secret.*verifyToken/);
    expect(() => loadSyncConfig({ pages: [] })).toThrow(/give at least one page/);
  });
});
