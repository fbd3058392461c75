import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphLeadsClient } from "../../src/client/index.ts";
import type { WebhookDispatcher } from "../../src/dispatcher/dispatcher.ts";
import { startDispatcher } from "../../src/dispatcher/start-dispatcher.ts";
import { loadSyncConfig, type SyncConfigInput, type SyncLog, SyncService } from "../../src/sync/index.ts";
import { databaseKinds } from "../support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "../support/harness.ts";
import { SyncProcess, waitFor } from "../support/sync/sync-process.ts";
import { SCOPES } from "../support/worlds.ts";
import { APP_SECRET, expectExact, PAGE_TOKEN, serverLeads, syncDatabase, syncedLeads, syncWorld } from "../support/sync/sync-fixtures.ts";

/**
 * The main end-to-end test of `leadgraph sync`: our server's real dispatcher delivers the webhooks,
 * with the server's own fault injection (30% dropped, 10% duplicated), its real lead rate limit and
 * its real `debug_token`. The issue's figure is 5,000 leads (LEADGRAPH_E2E_LEADS=5000).
 */
const N = Number(process.env.LEADGRAPH_E2E_LEADS ?? 2000);
const ADMIN = "admin-key-for-sync-real-faults";
const APP = "1001";
const DAY = 86_400;
const EXPIRING_TOKEN = "EAAB-page-acme-expiring";

function captureLog(): SyncLog & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_o: object, msg: string) => void lines.push({ level, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: () => undefined };
}

// The Graph server runs on SQLite; the sync database runs on each kind.
describe.each(databaseKinds())("leadgraph sync against the server's real webhooks and faults (sync database: %s)", (kind) => {
  let h: Harness;
  let dispatcher: WebhookDispatcher;
  let graph: GraphLeadsClient;
  let seq = 0;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const world = syncWorld();
    world.tokens!.push({
      token: EXPIRING_TOKEN,
      type: "PAGE",
      app_id: APP,
      user_id: "2001",
      page_id: "3001",
      // Every scope a page token needs: the service's own first reconciliation (which runs beside
      // test (d)'s checks) must not find the token short of access, only near its expiry.
      scopes: SCOPES,
      expires_at: TEST_NOW + 10 * DAY,
    });
    h = await startHarness("sqlite", { world, config: { adminKey: ADMIN } });
    await h.listen();
    dispatcher = startDispatcher(h.runtime, { lingerMs: 20, timeoutMs: 10_000 });
    graph = new GraphLeadsClient({ accessToken: PAGE_TOKEN, appSecret: APP_SECRET, baseUrl: h.url });
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await dispatcher?.stop();
    await h?.close();
  });

  async function admin(method: "GET" | "POST" | "DELETE", url: string, body?: unknown): Promise<any> {
    const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN}` }, ...(body ? { payload: body } : {}) });
    const parsed = JSON.parse(res.body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
    return parsed;
  }

  /** What an integrator does once: app subscription (handshake answered by sync) and page install. */
  async function subscribe(callbackUrl: string): Promise<void> {
    expect(await graph.subscribeApp({ appId: APP, callbackUrl, verifyToken: "vt" })).toEqual({ success: true });
    expect(await graph.installOnPage("3001", { pageAccessToken: PAGE_TOKEN })).toEqual({ success: true });
    expect(
      await admin("POST", `/_leadgraph/admin/webhooks/subscriptions/${APP}/faults`, {
        reset: true,
        drop_percent: 30,
        duplicate_percent: 10,
      }),
    ).toMatchObject({ drop_percent: 30, duplicate_percent: 10 });
  }

  /**
   * Creates leads through the admin attributed-leads API, in batches; the dispatcher fires the
   * webhooks. Small batches make many POSTs (the server duplicates whole POSTs, not single changes).
   */
  async function createLeads(n: number, tag: string, batch = 500, afterBatch?: () => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += batch) {
      const leads = Array.from({ length: Math.min(batch, n - i) }, () => {
        const k = seq++;
        return {
          ...(k % 2 === 0 ? { ad_id: "7001" } : {}),
          platform: k % 3 === 0 ? "ig" : "fb",
          field_data: [
            { name: "full_name", values: [`${tag} Person ${k} Zoë`] },
            { name: "email", values: [`${tag}.${k}@example.com`] },
          ],
        };
      });
      ids.push(...(await admin("POST", "/_leadgraph/admin/forms/8001/leads", { leads })).ids);
      await afterBatch?.();
    }
    return ids;
  }

  async function deliveries(status: string): Promise<Set<string>> {
    const leads = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await admin(
        "GET",
        `/_leadgraph/admin/webhooks/deliveries?app_id=${APP}&status=${status}&limit=1000${after ? `&after=${after}` : ""}`,
      );
      for (const d of page.data) leads.add(d.lead_id);
      if (!page.paging?.next) return leads;
      after = page.paging.cursors.after;
    }
  }

  async function inProcess(extra: Partial<SyncConfigInput> = {}, opts: { now?: () => number } = {}) {
    const { db, config } = await syncDatabase(kind);
    const log = captureLog();
    const service = new SyncService(
      loadSyncConfig({
        pages: [{ id: "3001" }],
        accessToken: PAGE_TOKEN,
        appId: APP,
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
      opts,
    );
    await service.start();
    cleanups.push(
      () => db.drop(),
      () => service.stop(),
    );
    return { service, log, config };
  }

  it(`(a) ${N} leads, server drops 30% and duplicates 10% of webhooks: reconciliation makes the table exact`, async () => {
    const { service, config } = await inProcess({ pageSize: 500, concurrency: 8 });
    await waitFor(async () => service.reconciler.last !== undefined, 120_000, "initial reconciliation");
    await subscribe(`${service.url}/webhook`);
    const before = await service.store.countLeads();
    const droppedBefore = await deliveries("dropped");

    // One POST per batch (waiting for it), so the 10% duplicated POSTs are many, not a lucky few.
    const ids = await createLeads(N, "real", 20, async () => {
      const posts = service.webhookStats.posts;
      await waitFor(() => service.webhookStats.posts > posts, 30_000, "the batch's webhook POST");
    });
    expect(ids).toHaveLength(N);
    await waitFor(
      async () => {
        const settled = new Set([...(await deliveries("delivered")), ...(await deliveries("dropped"))]);
        return ids.every((id) => settled.has(id));
      },
      240_000,
      "every lead's webhook delivered or dropped",
    );
    await waitFor(async () => (await service.store.jobCounts()).pending === undefined, 240_000, "sync fetch queue drained");

    const dropped = [...(await deliveries("dropped"))].filter((id) => !droppedBefore.has(id));
    expect(dropped.length).toBeGreaterThan(N * 0.2);
    expect(dropped.length).toBeLessThan(N * 0.4);
    expect(service.webhookStats.posts).toBeGreaterThanOrEqual(N / 20);
    expect(service.webhookStats.duplicates).toBeGreaterThan(0);
    expect(service.webhookStats.rejected).toBe(0);
    // Webhooks alone leave exactly the dropped leads missing...
    expect(await service.store.countLeads()).toBe(before + N - dropped.length);
    for (const id of dropped.slice(0, 20)) expect(await service.store.hasLead(id)).toBe(false);
    // ...and reconciliation fills them in.
    await service.reconcileNow();
    expect(service.reconciler.last?.errors).toEqual([]);
    expect(service.reconciler.last?.leadsAdded).toBe(dropped.length);
    await service.stop();
    expectExact(await syncedLeads(config), await serverLeads(h));
  }, 480_000);

  it("(b) SIGKILL of the sync process while leads arrive, and a restart: still exact", async () => {
    const { db, config } = await syncDatabase(kind);
    cleanups.push(() => db.drop());
    const args = (port: string) => [
      "--page",
      "3001",
      "--access-token",
      PAGE_TOKEN,
      "--app-id",
      APP,
      "--app-secret",
      APP_SECRET,
      "--verify-token",
      "vt",
      "--base-url",
      h.url,
      "--port",
      port,
      "--page-size",
      "20",
      "--overlap",
      "120",
      "--log-level",
      "warn",
      ...(config.databaseUrl ? ["--database-url", config.databaseUrl] : ["--db", config.db!]),
    ];
    // The first process binds any free port; the restart takes the same one, as the subscribed callback points there.
    const first = new SyncProcess(args("0"));
    cleanups.push(() => first.kill());
    await first.ready;
    await subscribe(`${first.url}/webhook`);
    await createLeads(600, "kill");
    let atKill = 0;
    await waitFor(
      async () => {
        atKill = (await first.status()).leads;
        return atKill > 50;
      },
      120_000,
      "sync under way",
    );
    expect(await first.kill("SIGKILL")).toBe(null);
    // Leads keep coming while it is down: their webhooks fail (the server retries later).
    await createLeads(200, "down");
    const server = await serverLeads(h);
    expect(atKill).toBeLessThan(server.size);

    const second = new SyncProcess(args(new URL(first.url).port));
    cleanups.push(() => second.kill());
    await second.ready;
    expect(second.url).toBe(first.url);
    await createLeads(200, "after");
    const all = await serverLeads(h);
    await waitFor(
      async () => {
        const st = await second.status();
        return st.reconcile.last !== null && !st.reconcile.running && st.leads === all.size;
      },
      300_000,
      "restart converged",
    );
    await second.kill("SIGTERM");
    expectExact(await syncedLeads(config), all);
  }, 480_000);

  it("(c) a rate limit forced on the server slows sync down without losing anything", async () => {
    await createLeads(300, "rl");
    expect(await admin("POST", "/_leadgraph/admin/limits/3001/force", { for: "1h" })).toMatchObject({ page_id: "3001", limited: true });
    const { service, config, log } = await inProcess({ maxBackoffMs: 200, maxRetries: 50, maxPauseMs: 50 });
    await subscribe(`${service.url}/webhook`);
    const more = await createLeads(100, "rl-live");
    expect(more).toHaveLength(100);
    await waitFor(async () => service.clients.stats.rateLimitRetries >= 5, 120_000, "80005 answered and retried");
    expect(log.lines.some((l) => l.level === "warn" && /rate limited on page 3001/.test(l.msg))).toBe(true);
    expect(await service.store.countLeads()).toBe(0);
    await admin("DELETE", "/_leadgraph/admin/limits/3001/force");
    await waitFor(async () => service.reconciler.last !== undefined, 240_000, "first reconciliation after the limit");
    await service.reconcileNow();
    expect(service.reconciler.last?.errors).toEqual([]);
    const server = await serverLeads(h);
    await waitFor(async () => (await service.store.countLeads()) === server.size, 120_000, "every lead stored");
    await service.stop();
    expectExact(await syncedLeads(config), server);
  }, 480_000);

  it("(d) debug_token on our server, on the harness's manual clock: ok, then a warning days before expiry, then expired", async () => {
    const { service, log } = await inProcess(
      { pages: [{ id: "3001", accessToken: EXPIRING_TOKEN }], accessToken: undefined, webhooks: false, tokenWarnDays: 7 },
      { now: () => h.clock.nowMs() },
    );
    await service.tokens.check("3001");
    expect(service.tokens.get("3001")).toMatchObject({ state: "ok", expiresAt: TEST_NOW + 10 * DAY });
    h.clock.advance(4 * DAY * 1000);
    try {
      expect(await service.tokens.check("3001")).toMatchObject({ state: "expiring", expiresAt: TEST_NOW + 10 * DAY });
      expect(log.lines).toContainEqual({
        level: "warn",
        msg: expect.stringMatching(
          /^token for page 3001 expires in 6\.0 days \(2026-12-08T12:00:00\.000Z\); replace it with a long-lived page token$/,
        ),
      });
      h.clock.advance(7 * DAY * 1000);
      const expired = await service.tokens.check("3001");
      expect(expired.state).toBe("expired");
      expect(log.lines.some((l) => l.level === "error" && /token for page 3001|access token for page 3001 has EXPIRED/.test(l.msg))).toBe(
        true,
      );
    } finally {
      h.clock.set(TEST_NOW * 1000);
    }
    await service.stop();
  }, 120_000);
});
