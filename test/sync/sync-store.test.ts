import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSyncDatabase, migrateSyncDatabase, SyncStore } from "../../src/sync/index.ts";
import type { StoredLead } from "../../src/sync/storage/sync-store.ts";
import { databaseKinds, freshDatabase, type TestDatabase } from "../support/databases.ts";

let next = 0;
const lead = (over: Partial<StoredLead> = {}): StoredLead => {
  next++;
  return {
    id: String(7_000_000_000_000_000 + next),
    page_id: "3001",
    form_id: "8001",
    ad_id: next % 2 ? "7001" : null,
    ad_name: next % 2 ? "Ad é" : null,
    adset_id: null,
    adset_name: null,
    campaign_id: null,
    campaign_name: null,
    created_time: 1_795_000_000 - next,
    is_organic: next % 2 ? 0 : 1,
    platform: next % 3 ? "fb" : "ig",
    partner_name: null,
    retailer_item_id: null,
    field_data: JSON.stringify([{ name: "email", values: [`p${next}@example.com`] }]),
    custom_disclaimer_responses: next % 4 ? null : "[]",
    source: "reconcile",
    stored_at: 1_795_000_000_000,
    forward_pending: 0,
    forward_attempts: 0,
    forward_next_at: 0,
    ...over,
  };
};

describe.each(databaseKinds())("sync store (%s)", (kind) => {
  let db: TestDatabase;
  let store: SyncStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    const conn = connectSyncDatabase(
      kind === "sqlite" ? { kind, file: db.config.db } : { kind, url: (db.config as { databaseUrl: string }).databaseUrl },
    );
    await migrateSyncDatabase(conn.db);
    store = new SyncStore(conn.db);
    close = conn.close;
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it("stores pages of any size column for column, skips stored leads and settles their queued jobs", async () => {
    await store.upsertForm("8001", "3001", "Form");
    // Sizes that share a cached statement, a new size, and one past a chunk (500 + 1).
    for (const size of [3, 3, 1, 501]) {
      const rows = Array.from({ length: size }, () => lead());
      await store.enqueue([{ leadId: rows[0]!.id, pageId: "3001", formId: "8001" }], 1);
      const added = await store.insertLeads(rows, { formId: "8001", since: 0, until: 10, newest: 20 });
      expect(added.sort()).toEqual(rows.map((r) => r.id).sort());
      for (const r of [rows[0]!, rows.at(-1)!]) expect(await store.getLead(r.id)).toEqual(r);
      // A second time, nothing is new; a page mixing stored and new leads adds only the new ones.
      expect(await store.insertLeads(rows)).toEqual([]);
      const fresh = lead();
      expect(await store.insertLeads([rows[0]!, fresh])).toEqual([fresh.id]);
    }
    expect(await store.jobCounts()).toEqual({ done: 4 });
    expect(await store.countLeads()).toBe(3 + 3 + 1 + 501 + 4);
  });
});
