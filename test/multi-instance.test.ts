import { Migrator } from "kysely/migration";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { connect } from "../src/storage/index.ts";
import { migrations } from "../src/storage/migrations/index.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { freshDatabase, type TestDatabase } from "./support/databases.ts";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { exampleWorld } from "./support/worlds.ts";

/*
 * Several real `leadgraph serve` processes against one PostgreSQL database. PostgreSQL only:
 * SQLite is one process by design. In CI a missing PostgreSQL fails the run (global setup and here).
 */
const pgAvailable = inject("pgAdminUrl") !== "";
if (process.env.CI && !pgAvailable) throw new Error("the multi-instance test needs PostgreSQL in CI");

const TOKEN = "EAAB-page-acme";
/** Each process compiles the sources through tsx at start; on a busy CI machine that takes a while. */
const SPAWN_TIMEOUT_MS = 240_000;

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

describe.skipIf(!pgAvailable)("instances starting together on an empty database (postgres)", () => {
  let db: TestDatabase;
  let procs: ServeProcess[] = [];
  let url = "";

  beforeAll(async () => {
    db = await freshDatabase("postgres");
    url = (db.config as { databaseUrl: string }).databaseUrl;
    procs = await Promise.all(Array.from({ length: 4 }, () =>
      spawnServe(["--database-url", url, "--secret-key", db.secretKey, "--log-level", "warn"])));
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(procs.map(stopServe));
    await db?.drop();
  });

  it("applies each migration exactly once and every instance is ready", async () => {
    const rows = await query<{ name: string; n: string }>(url, "select name, count(*) as n from leadgraph_migrations group by name");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number(r.n)).toBe(1);
    const ready = await Promise.all(procs.map((p) => getJson(`${p.url}/readyz`)));
    for (const r of ready) expect(r).toEqual({ status: 200, body: { status: "ok", checks: { database: "ok", migrations: "ok" } } });
  });

  it("gives each instance its own node number and prints its real port", async () => {
    const ports = procs.map((p) => new URL(p.url).port);
    expect(new Set(ports).size).toBe(4);
    expect(ports).not.toContain("0");
    const nodes = await query<{ node: number }>(url, "select node from instances");
    expect(new Set(nodes.map((n) => n.node)).size).toBe(4);
  });

  it("agrees on one admin key and one cursor secret", async () => {
    const settings = await query<{ key: string; n: string }>(url, "select key, count(*) as n from settings group by key");
    expect(settings.map((s) => s.key)).toEqual(expect.arrayContaining(["cursor_secret", "admin_key_sealed", "secret_key_check"]));
    // Exactly one instance generated the admin key and printed it; the others opened the sealed one.
    const printed = procs.map((p) => /admin key \(shown once\): (\S+)/.exec(p.output())?.[1]).filter((k) => k !== undefined);
    expect(printed).toHaveLength(1);
    for (const p of procs) {
      const res = await getJson(`${p.url}/_leadgraph/admin/instances`, { authorization: `Bearer ${printed[0]}` });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(4);
    }
  });

  it("shuts down on SIGTERM: exits 0 and releases the node numbers", async () => {
    for (const p of procs) p.signal("SIGTERM");
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    expect(await query(url, "select node from instances")).toEqual([]);
  });
});

describe.skipIf(!pgAvailable)("graceful shutdown with a request in flight (postgres)", () => {
  let db: TestDatabase;
  let proc: ServeProcess | undefined;

  beforeAll(async () => {
    db = await freshDatabase("postgres");
    proc = await spawnServe(["--database-url", (db.config as { databaseUrl: string }).databaseUrl, "--secret-key", db.secretKey, "--log-level", "info"]);
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await stopServe(proc);
    await db?.drop();
  });

  it("finishes the request it is reading, then stops accepting and exits 0", async () => {
    const p = proc as ServeProcess;
    const { port } = new URL(p.url);
    const net = await import("node:net");
    const socket = net.connect({ port: Number(port), host: "127.0.0.1" });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    let answer = "";
    socket.on("data", (b: Buffer) => (answer += b.toString("utf8")));
    const body = "access_token=nope&fields=id";
    // Headers and half of the body: the request is in flight when SIGTERM arrives.
    socket.write(`POST /v25.0/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    p.signal("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    // Accepting stopped: a new connection is refused while the old request is still open.
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port: Number(port), host: "127.0.0.1" });
      s.once("connect", () => { s.destroy(); resolve(false); });
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
    socket.write(body.slice(10));
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":190');
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"shut down"');
    expect(await query((db.config as { databaseUrl: string }).databaseUrl, "select node from instances")).toEqual([]);
  });
});

/** A database left by the previous release: every migration applied except the newest. */
async function olderDatabase(databaseUrl: string): Promise<string[]> {
  const names = Object.keys(migrations).sort();
  const older = Object.fromEntries(names.slice(0, -1).map((n) => [n, migrations[n] as (typeof migrations)[string]]));
  const conn = connect({ kind: "postgres", url: databaseUrl });
  try {
    const migrator = new Migrator({
      db: conn.db, provider: { getMigrations: async () => older },
      migrationTableName: "leadgraph_migrations", migrationLockTableName: "leadgraph_migrations_lock",
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  } finally {
    await conn.close();
  }
  return names;
}

describe.skipIf(!pgAvailable)("three instances behind one database (postgres)", () => {
  let db: TestDatabase;
  let dbUrl = "";
  let writers: Runtime[] = [];
  let procs: ServeProcess[] = [];
  let urls: string[] = [];
  let adminKey = "";
  let allMigrations: string[] = [];
  const leadIds: string[] = [];

  beforeAll(async () => {
    db = await freshDatabase("postgres");
    dbUrl = (db.config as { databaseUrl: string }).databaseUrl;
    allMigrations = await olderDatabase(dbUrl);
    // The three start together on the older database and bring it up to date between them.
    procs = await Promise.all(Array.from({ length: 3 }, () =>
      spawnServe(["--database-url", dbUrl, "--secret-key", db.secretKey, "--log-level", "warn"])));
    urls = procs.map((p) => p.url);
    const config = loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent", port: 0 });
    const seeder = await createRuntime(config);
    await loadWorld(seeder.services, exampleWorld(30));
    adminKey = seeder.adminKey;
    writers = [seeder, await createRuntime(config), await createRuntime(config)];
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(procs.map(stopServe));
    for (const w of writers) await w.close();
    await db?.drop();
  });

  it("brought the older database up to date, each migration once", async () => {
    const rows = await query<{ name: string }>(dbUrl, "select name from leadgraph_migrations order by name");
    expect(rows.map((r) => r.name)).toEqual(allMigrations);
    for (const u of urls) expect((await getJson(`${u}/readyz`)).status).toBe(200);
  });

  it("answers the same reads whichever instance is asked", async () => {
    const expected = await getJson(`${urls[0]}/v25.0/8001/leads?limit=100&fields=id,created_time&access_token=${TOKEN}`);
    expect(expected.status).toBe(200);
    expect(expected.body.data).toHaveLength(32);
    for (let i = 0; i < 12; i++) {
      const res = await getJson(`${pick(urls)}/v25.0/8001/leads?limit=100&fields=id,created_time&access_token=${TOKEN}`);
      expect(res.body.data).toEqual(expected.body.data);
    }
  });

  it("finishes on other instances the paging started on one", async () => {
    const seen: string[] = [];
    let next: string | undefined = `${urls[0]}/v25.0/8001/leads?limit=5&fields=id&access_token=${TOKEN}`;
    let hop = 0;
    while (next) {
      // Each page from the next instance in turn: the cursor and the link made elsewhere must work.
      const target = new URL(next);
      const base = new URL(urls[hop % urls.length] as string);
      target.host = base.host;
      const res = await getJson(target.toString());
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((l: { id: string }) => l.id));
      next = res.body.paging?.next;
      if (next) expect(next.startsWith(`${urls[hop % urls.length]}/`)).toBe(true);
      hop++;
    }
    expect(hop).toBe(7);
    expect(seen).toHaveLength(32);
    expect(new Set(seen).size).toBe(32);
  });

  it("accepts a cursor from one instance on every other", async () => {
    const first = await getJson(`${urls[1]}/v25.0/8001/leads?limit=4&fields=id&access_token=${TOKEN}`);
    const after = first.body.paging.cursors.after as string;
    const pages = await Promise.all(urls.map((u) => getJson(`${u}/v25.0/8001/leads?limit=4&fields=id&after=${encodeURIComponent(after)}&access_token=${TOKEN}`)));
    for (const p of pages) {
      expect(p.status).toBe(200);
      expect(p.body.data).toEqual(pages[0]?.body.data);
    }
    expect(pages[0]?.body.data.map((l: { id: string }) => l.id)).not.toContain(first.body.data[0].id);
  });

  it("accepts the admin key on every instance, and every instance sees all the others", async () => {
    const nodes = new Set<number>();
    for (const u of urls) {
      const denied = await getJson(`${u}/_leadgraph/admin/instances`);
      expect(denied.status).toBe(401);
      const res = await getJson(`${u}/_leadgraph/admin/instances`, { authorization: `Bearer ${adminKey}` });
      expect(res.status).toBe(200);
      // Three served instances and the three runtimes of this test.
      expect(res.body.data).toHaveLength(6);
      const self = res.body.data.filter((i: { self: boolean }) => i.self);
      expect(self).toHaveLength(1);
      nodes.add(self[0].node);
    }
    expect(nodes.size).toBe(3);
  });

  it("never collides on ids created concurrently by several instances", async () => {
    const batches = await Promise.all(writers.flatMap((w, wi) => Array.from({ length: 10 }, (_, bi) =>
      w.services.intake.create(Array.from({ length: 20 }, (_, li) => ({
        formId: "8001", fieldData: [{ name: "full_name", values: [`W${wi} B${bi} L${li}`] }],
      })), { source: "admin", fireWebhooks: true }))));
    leadIds.push(...batches.flat());
    expect(leadIds).toHaveLength(600);
    expect(new Set(leadIds).size).toBe(600);
    const events = await query<{ n: string; d: string }>(dbUrl, "select count(*) as n, count(distinct id) as d from lead_events");
    expect(Number(events[0]?.d)).toBe(Number(events[0]?.n));
    expect(Number(events[0]?.n)).toBe(600);
    for (const id of [leadIds[0], leadIds[299], leadIds[599]]) {
      const res = await getJson(`${pick(urls)}/v25.0/${id}?fields=id,form_id&access_token=${TOKEN}`);
      expect(res.body).toEqual({ id, form_id: "8001" });
    }
  });

  it("counts the created leads in the metrics of the instance that wrote them", async () => {
    const text = await writers[0]?.metrics.render();
    expect(text?.body).toMatch(/leadgraph_leads_created_total\{source="admin"\} 200\b/);
  });
});
