import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSyncDatabase, loadSyncConfig, migrateSyncDatabase, secondsToGraphTime, SyncStore } from "../../src/sync/index.ts";
import { PageClients } from "../../src/sync/page-clients.ts";
import { Reconciler } from "../../src/sync/reconciler.ts";
import { TokenWatch } from "../../src/sync/token-watch.ts";

const T0 = 1_790_000_000;
// 95 leads ten seconds apart, newest first, as the leads edge serves them.
const LEADS = Array.from({ length: 95 }, (_, i) => ({
  id: String(5000 + i),
  created_time: T0 + i * 10,
  form_id: "8001",
  field_data: [{ name: "email", values: [`${i}@x.y`] }],
})).reverse();
const filters: { gte?: number; lt?: number }[] = [];

let graph: Server;
let url = "";
let dir = "";
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadgraph-resume-"));
  graph = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const send = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (u.pathname.endsWith("/leadgen_forms")) return send({ data: [{ id: "8001", name: "F" }] });
    const f: { gte?: number; lt?: number } = {};
    for (const c of JSON.parse(u.searchParams.get("filtering") ?? "[]") as { operator: string; value: number }[]) {
      if (c.operator === "GREATER_THAN_OR_EQUAL") f.gte = c.value;
      if (c.operator === "LESS_THAN") f.lt = c.value;
    }
    const start = Number(u.searchParams.get("after") ?? 0);
    if (start === 0) filters.push(f);
    const rows = LEADS.filter((l) => (f.gte === undefined || l.created_time >= f.gte) && (f.lt === undefined || l.created_time < f.lt));
    const limit = Number(u.searchParams.get("limit"));
    const data = rows.slice(start, start + limit).map((l) => ({ ...l, created_time: secondsToGraphTime(l.created_time) }));
    send({
      data,
      paging: { cursors: { before: "b", after: String(start + limit) }, ...(start + limit < rows.length ? { next: "n" } : {}) },
    });
  });
  await new Promise<void>((r) => graph.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => graph.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("reconciliation checkpoint", () => {
  it("an interrupted pass resumes below where it stopped instead of re-reading everything", async () => {
    const conn = connectSyncDatabase({ kind: "sqlite", file: join(dir, "s.db") });
    await migrateSyncDatabase(conn.db);
    const store = new SyncStore(conn.db);
    const config = loadSyncConfig({ pages: [{ id: "3001" }], accessToken: "T", webhooks: false, baseUrl: url, logLevel: "silent" });
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    const clients = new PageClients(config);
    const tokens = new TokenWatch({ clients, store, log, warnDays: 7 });
    const make = () => new Reconciler({ store, clients, tokens, log, overlap: 50, pageSize: 10, forward: false });

    // page check, form check, then one check per page fetched: the fourth page is fetched but the
    // stop comes before it is stored, so three pages are stored
    let checks = 0;
    await make().run(() => ++checks > 5);
    expect(await store.countLeads()).toBe(30);
    const [form] = await store.forms();
    const oldestRead = T0 + 65 * 10;
    expect(form).toMatchObject({ high_water: 0, pass_since: 0, pass_until: oldestRead + 1, pass_newest: T0 + 940 });

    filters.length = 0;
    const r = make();
    const report = await r.run();
    expect(report.errors).toEqual([]);
    expect(report.resumed).toBe(1);
    expect(filters).toEqual([{ lt: oldestRead + 1 }, { gte: T0 + 940 - 50 }]);
    // 66 leads below the checkpoint (one tie re-read) + 6 in the overlap window, not 95 again
    expect(report.leadsRead).toBe(66 + 6);
    expect(await store.countLeads()).toBe(95);
    expect((await store.forms())[0]).toMatchObject({ high_water: T0 + 940, pass_since: null, pass_until: null, pass_newest: null });
    await conn.close();
  });
});
