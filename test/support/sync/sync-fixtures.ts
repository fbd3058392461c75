import { afterAll, beforeAll, expect } from "vitest";
import { LEAD_FIELDS, type Lead } from "../../../src/contract/index.ts";
import { connectSyncDatabase, rowToLead, SyncStore } from "../../../src/sync/index.ts";
import type { SyncConfigInput } from "../../../src/sync/index.ts";
import { type Harness, startHarness, TEST_NOW } from "../harness.ts";
import { freshDatabase, type TestDatabase } from "../databases.ts";
import type { Announced } from "./meta-webhooks.ts";
import { exampleWorld, SCOPES } from "../worlds.ts";

export const APP_SECRET = "s3cr3t-acme";
export const PAGE_TOKEN = "EAAB-page-acme";
export const EXPIRED_TOKEN = "EAAB-page-expired";

/** The example world plus a page token that expired a day before the harness clock. */
export function syncWorld() {
  const w = exampleWorld();
  w.tokens = [
    ...(w.tokens ?? []),
    { token: EXPIRED_TOKEN, type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3001", scopes: SCOPES, expires_at: TEST_NOW - 86_400 },
  ];
  return w;
}

/** Creates leads on the server through the one intake path, firing no webhooks (the test plays Meta). */
export async function createLeads(h: Harness, n: number, tag: string): Promise<Announced[]> {
  const inputs = Array.from({ length: n }, (_, i) => ({
    formId: "8001",
    ...(i % 2 === 0 ? { adId: "7001" } : {}),
    platform: i % 3 === 0 ? "ig" : "fb",
    fieldData: [
      { name: "full_name", values: [`${tag} Person ${i} Zoë`] },
      { name: "email", values: [`${tag}.${i}@example.com`] },
    ],
  }));
  const out: Announced[] = [];
  for (let i = 0; i < inputs.length; i += 500) {
    const ids = await h.runtime.services.intake.create(inputs.slice(i, i + 500), { source: "admin", fireWebhooks: false });
    ids.forEach((id, j) =>
      out.push({ leadId: id, pageId: "3001", formId: "8001", ...((i + j) % 2 === 0 ? { adId: "7001" } : {}), createdTime: TEST_NOW }),
    );
  }
  return out;
}

/** The server's truth: every lead of page 3001's form, read through the Graph surface (inject). */
export async function serverLeads(h: Harness): Promise<Map<string, Lead>> {
  const out = new Map<string, Lead>();
  let after: string | undefined;
  for (;;) {
    const res = await h.graph("GET", "/v21.0/8001/leads", {
      token: PAGE_TOKEN,
      query: { fields: LEAD_FIELDS.join(","), limit: "1000", ...(after ? { after } : {}) },
    });
    expect(res.status).toBe(200);
    for (const l of res.body.data as Lead[]) out.set(l.id, l);
    if (!res.body.paging?.next) return out;
    after = res.body.paging.cursors.after;
  }
}

/** A fresh database for the sync service: SQLite file or PostgreSQL, as config fields. */
export async function syncDatabase(kind: "sqlite" | "postgres"): Promise<{ db: TestDatabase; config: Partial<SyncConfigInput> }> {
  const db = await freshDatabase(kind);
  const config: Partial<SyncConfigInput> =
    "databaseUrl" in db.config ? { databaseUrl: db.config.databaseUrl } : { db: db.config.db.replace(/test\.db$/, "sync.db") };
  return { db, config };
}

/** Opens the sync database read-side and returns every stored lead (Graph shape) and the raw row count. */
export async function syncedLeads(config: Partial<SyncConfigInput>): Promise<{ leads: Map<string, Lead>; rows: number }> {
  const conn = connectSyncDatabase(
    config.databaseUrl ? { kind: "postgres", url: config.databaseUrl } : { kind: "sqlite", file: config.db! },
  );
  try {
    const store = new SyncStore(conn.db);
    const rows = await store.listLeads({ limit: 1_000_000 });
    const leads = new Map<string, Lead>();
    for (const r of rows) {
      const { page_id: _p, ...lead } = rowToLead(r);
      expect(_p).toBe("3001");
      leads.set(lead.id, lead);
    }
    return { leads, rows: rows.length };
  } finally {
    await conn.close();
  }
}

/** Exactly the server's leads: same ids, same data, no duplicates. */
export function expectExact(synced: { leads: Map<string, Lead>; rows: number }, server: Map<string, Lead>): void {
  expect(synced.rows).toBe(synced.leads.size);
  expect(synced.leads.size).toBe(server.size);
  const missing = [...server.keys()].filter((id) => !synced.leads.has(id));
  expect(missing).toEqual([]);
  for (const [id, lead] of server) expect(synced.leads.get(id), `lead ${id}`).toEqual(lead);
}

/**
 * For a describe block: a listening Graph server (SQLite) on {@link syncWorld}, and cleanups that
 * run, newest first, before it closes. `harness()` is set once the block's first beforeAll ran.
 */
export function syncServerPerSuite(): { harness: () => Harness; cleanups: (() => Promise<unknown>)[] } {
  let h: Harness | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    h = await startHarness("sqlite", { world: syncWorld() });
    await h.listen();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await h?.close();
  });
  return { harness: () => h!, cleanups };
}
