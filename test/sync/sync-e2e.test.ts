import { beforeAll, describe, expect, it } from "vitest";
import { loadSyncConfig, type SyncConfigInput, type SyncLog, SyncService } from "../../src/sync/index.ts";
import { signBody } from "../../src/client/index.ts";
import { databaseKinds } from "../support/databases.ts";
import type { Harness } from "../support/harness.ts";
import { applyPlan, leadgenBody, TestMeta } from "../support/sync/meta-webhooks.ts";
import { RateLimitProxy } from "../support/sync/rate-limit-proxy.ts";
import { SyncProcess, waitFor } from "../support/sync/sync-process.ts";
import {
  APP_SECRET,
  createLeads,
  EXPIRED_TOKEN,
  expectExact,
  PAGE_TOKEN,
  serverLeads,
  syncDatabase,
  syncedLeads,
  syncServerPerSuite,
} from "../support/sync/sync-fixtures.ts";

/** Leads created for the reconciliation run; the figure is 5,000 (LEADGRAPH_E2E_LEADS=5000). */
const N = Number(process.env.LEADGRAPH_E2E_LEADS ?? 1000);

function captureLog(): SyncLog & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_o: object, msg: string) => void lines.push({ level, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: () => undefined };
}

// The Graph server runs on SQLite; the sync database runs on each kind.
describe.each(databaseKinds())("leadgraph sync end to end (sync database: %s)", (kind) => {
  const { harness, cleanups } = syncServerPerSuite();
  let h!: Harness;
  beforeAll(() => void (h = harness()));

  async function inProcess(extra: Partial<SyncConfigInput> = {}) {
    const { db, config } = await syncDatabase(kind);
    const log = captureLog();
    const service = new SyncService(
      loadSyncConfig({
        pages: [{ id: "3001" }],
        accessToken: PAGE_TOKEN,
        appSecret: APP_SECRET,
        verifyToken: "vt",
        baseUrl: h.url,
        port: 0,
        reconcileInterval: 3600,
        overlap: 120,
        maxBackoffMs: 2000,
        logLevel: "silent",
        ...config,
        ...extra,
      }),
      log,
    );
    await service.start();
    cleanups.push(
      () => db.drop(),
      () => service.stop(),
    );
    return { service, log, config, stop: () => service.stop() };
  }

  it("(a) webhooks: handshake, signed POSTs stored once, duplicates ignored, bad signatures rejected", async () => {
    const { service, config } = await inProcess();
    const hook = `${service.url}/webhook`;
    const hs = await fetch(`${hook}?hub.mode=subscribe&hub.challenge=987654&hub.verify_token=vt`);
    expect([hs.status, await hs.text()]).toEqual([200, "987654"]);
    expect((await fetch(`${hook}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong`)).status).toBe(403);
    await waitFor(async () => service.reconciler.last !== undefined, 30_000, "initial reconciliation");

    const leads = await createLeads(h, 40, "hook");
    const meta = new TestMeta(hook, APP_SECRET);
    expect(await meta.announce(leads, { batch: 10, time: 1 })).toEqual([200, 200, 200, 200]);
    // duplicates: the same batch again, and one lead in a different batch
    expect(await meta.announce(leads.slice(0, 10), { batch: 10, time: 2 })).toEqual([200]);
    expect(await meta.announce([leads[20]!, leads[21]!], { time: 3 })).toEqual([200]);

    const forged = leadgenBody([{ ...leads[0]!, leadId: "424242" }], 4);
    expect(await meta.post(forged, signBody(forged, "not-the-secret"))).toBe(403);
    expect(await meta.post(forged, {})).toBe(401);
    const tampered = leadgenBody(leads.slice(0, 1), 5);
    expect(await meta.post(tampered.replace('"8001"', '"8002"'), signBody(tampered, APP_SECRET))).toBe(403);
    // sha1-only signature (legacy header) is accepted
    const legacy = leadgenBody(leads.slice(1, 2), 6);
    expect(await meta.post(legacy, { "x-hub-signature": signBody(legacy, APP_SECRET)["x-hub-signature"] })).toBe(200);

    await waitFor(async () => (await service.store.jobCounts()).pending === undefined, 30_000, "queue drained");
    const st = (await service.status()) as any;
    expect(st.webhooks).toMatchObject({ queued: 40, rejected: 3 });
    expect(st.webhooks.duplicates).toBe(13);
    expect(st.fetcher.fetched).toBe(40);
    expect(await service.store.getLead("424242")).toBeUndefined();
    const stored = await service.store.getLead(leads[0]!.leadId);
    expect(stored).toMatchObject({ source: "webhook", form_id: "8001", ad_id: "7001", campaign_name: "Spring Sale", page_id: "3001" });
    await service.stop();
    expectExact(await syncedLeads(config), await serverLeads(h));
  });

  it(`(b) reconciliation finds the ${N} leads' dropped webhooks (30% dropped, 10% duplicated)`, async () => {
    const { service, config } = await inProcess({ pageSize: 200 });
    await waitFor(async () => service.reconciler.last !== undefined, 60_000, "initial reconciliation");
    const before = await service.store.countLeads();
    const leads = await createLeads(h, N, "rec");
    const plan = applyPlan(leads, { drop: 0.3, duplicate: 0.1, seed: 8 });
    expect(plan.dropped.length).toBeGreaterThan(N * 0.2);
    expect(plan.duplicated.length).toBeGreaterThan(N * 0.05);
    const meta = new TestMeta(`${service.url}/webhook`, APP_SECRET);
    const statuses = await meta.announce([...plan.sent, ...plan.duplicated], { batch: 100, time: 1 });
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(async () => (await service.store.jobCounts()).pending === undefined, 180_000, "webhook queue drained");
    // Webhooks alone leave exactly the dropped leads missing...
    expect(await service.store.countLeads()).toBe(before + plan.sent.length);
    // ...and reconciliation fills them in.
    await service.reconcileNow();
    expect(service.reconciler.last?.errors).toEqual([]);
    expect(service.reconciler.last?.leadsAdded).toBe(plan.dropped.length);
    await service.stop();
    expectExact(await syncedLeads(config), await serverLeads(h));
  }, 240_000);

  it("(c) SIGKILL in the middle of a catch-up and a restart: still exact", async () => {
    const { db, config } = await syncDatabase(kind);
    cleanups.push(() => db.drop());
    const leads = await createLeads(h, 1000, "kill");
    const args = [
      "--page",
      "3001",
      "--access-token",
      PAGE_TOKEN,
      "--app-secret",
      APP_SECRET,
      "--verify-token",
      "vt",
      "--base-url",
      h.url,
      "--port",
      "0",
      "--page-size",
      "20",
      "--overlap",
      "120",
      "--log-level",
      "warn",
      ...(config.databaseUrl ? ["--database-url", config.databaseUrl] : ["--db", config.db!]),
    ];
    const first = new SyncProcess(args);
    cleanups.push(() => first.kill());
    await first.ready;
    const { sent } = applyPlan(leads, { drop: 0.3, duplicate: 0, seed: 3 });
    const meta = new TestMeta(`${first.url}/webhook`, APP_SECRET);
    expect((await meta.announce(sent.slice(0, 300), { batch: 100, time: 1 })).every((s) => s === 200)).toBe(true);
    let atKill = 0;
    await waitFor(
      async () => {
        atKill = (await first.status()).leads;
        return atKill > 50;
      },
      60_000,
      "catch-up under way",
    );
    expect(await first.kill("SIGKILL")).toBe(null);
    const server = await serverLeads(h);
    expect(atKill).toBeLessThan(server.size);

    const second = new SyncProcess(args);
    cleanups.push(() => second.kill());
    await second.ready;
    const meta2 = new TestMeta(`${second.url}/webhook`, APP_SECRET);
    expect((await meta2.announce(sent.slice(250), { batch: 100, time: 2 })).every((s) => s === 200)).toBe(true);
    await waitFor(
      async () => {
        const st = await second.status();
        return st.reconcile.last !== null && !st.reconcile.running && st.leads === server.size && st.jobs.pending === undefined;
      },
      300_000,
      "restart converged",
    );
    await second.kill("SIGTERM");
    expectExact(await syncedLeads(config), server);
  }, 420_000);

  it("(d) a forced rate limit (80005 with usage headers) slows it down without losing anything", async () => {
    await createLeads(h, 300, "rl");
    const proxy = new RateLimitProxy(h.url, { throttle: 6, usagePercent: 90 });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const { service, config, log } = await inProcess({
      baseUrl: proxy.url,
      webhooks: false,
      pageSize: 50,
      maxBackoffMs: 300,
      maxRetries: 10,
      maxPauseMs: 40,
    });
    await waitFor(async () => service.reconciler.last !== undefined, 120_000, "reconciliation through the proxy");
    const st = (await service.status()) as any;
    expect(proxy.throttled).toBe(6);
    expect(st.rateLimit.rateLimitRetries).toBe(6);
    expect(st.rateLimit.governor.pauses).toBeGreaterThan(0);
    expect(
      log.lines.some(
        (l) => l.level === "warn" && /rate limited on page 3001 \(Graph 80005: .*\); paused until \d{4}-\d\d-\d\dT/.test(l.msg),
      ),
    ).toBe(true);
    expect(service.reconciler.last?.errors).toEqual([]);
    await service.stop();
    expectExact(await syncedLeads(config), await serverLeads(h));
  });

  it("(e) an expired token is reported clearly, and with --wait-for-fix the service keeps running", async () => {
    const { db, config } = await syncDatabase(kind);
    cleanups.push(() => db.drop());
    const p = new SyncProcess([
      "--page",
      "3001",
      "--access-token",
      EXPIRED_TOKEN,
      "--app-secret",
      APP_SECRET,
      "--verify-token",
      "vt",
      "--base-url",
      h.url,
      "--port",
      "0",
      "--log-level",
      "info",
      "--wait-for-fix",
      ...(config.databaseUrl ? ["--database-url", config.databaseUrl] : ["--db", config.db!]),
    ]);
    cleanups.push(() => p.kill());
    await p.ready;
    await waitFor(async () => (await p.status()).tokens["3001"]?.state === "expired", 60_000, "token reported expired");
    const st = await p.status();
    expect(st.tokens["3001"].message).toMatch(
      /access token for page 3001 has EXPIRED \(Graph 190\/463: Error validating access token: Session has expired/,
    );
    expect(st.tokens["3001"].message).toMatch(/create a new long-lived page token/);
    expect(st.leads).toBe(0);
    // The status can flip before the log line has crossed the pipe from the child process.
    await waitFor(async () => /has EXPIRED/.test(p.stderr), 10_000, "expiry logged on stderr");
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    expect(await p.kill("SIGTERM")).toBe(0);
  }, 120_000);
});
