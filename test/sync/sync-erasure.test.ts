import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSyncDatabase, createSyncLog, loadSyncConfig, SyncService, SyncStore } from "../../src/sync/index.ts";
import { databaseKinds, type TestDatabase } from "../support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "../support/harness.ts";
import { rawRows } from "../support/raw-count.ts";
import { APP_SECRET, PAGE_TOKEN, syncDatabase, syncWorld } from "../support/sync/sync-fixtures.ts";
import { waitFor } from "../support/sync/sync-process.ts";

const KEY = "sync-erasure-api-key-0001";
const BIN = new URL("../../bin/leadgraph.js", import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LEADGRAPH_"))) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(databaseKinds())("leadgraph sync erasure (%s)", { timeout: 240_000 }, (kind) => {
  let h: Harness;
  let syncDb: { db: TestDatabase; config: { db?: string; databaseUrl?: string } };
  let s: SyncService;
  const ids: Record<string, string> = {};
  const call = (method: string, path: string, body?: unknown, key: string | null = KEY) =>
    fetch(`${s.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const stored = async () => {
    const conn = connectSyncDatabase(
      syncDb.config.databaseUrl ? { kind: "postgres", url: syncDb.config.databaseUrl } : { kind: "sqlite", file: syncDb.config.db! },
    );
    try {
      return new Set((await new SyncStore(conn.db).listLeads({ limit: 100_000 })).map((r) => r.id));
    } finally {
      await conn.close();
    }
  };

  beforeAll(async () => {
    const world = syncWorld();
    world.forms!.push({
      id: "8003",
      page_id: "3001",
      name: "Call me back",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "PHONE" }],
      created_time: "2026-06-01T00:00:00+0000",
    });
    h = await startHarness(kind, { world });
    await h.listen();
    [ids.jane, ids.janePhone, ids.other] = (await h.runtime.services.intake.create(
      [
        {
          formId: "8003",
          createdTime: TEST_NOW - 30,
          fieldData: [
            { name: "full_name", values: ["Jane Doe"] },
            { name: "email", values: ["Jane@Example.com"] },
            { name: "phone_number", values: ["+442079460123"] },
          ],
        },
        {
          formId: "8003",
          createdTime: TEST_NOW - 20,
          fieldData: [
            { name: "full_name", values: ["J Doe"] },
            { name: "email", values: ["jd@example.org"] },
            { name: "phone_number", values: ["020 7946 0123"] },
          ],
        },
        {
          formId: "8003",
          createdTime: TEST_NOW - 10,
          fieldData: [
            { name: "full_name", values: ["Someone Else"] },
            { name: "email", values: ["else@example.org"] },
            { name: "phone_number", values: ["+442079460999"] },
          ],
        },
      ],
      { source: "admin", fireWebhooks: false },
    )) as [string, string, string];
    syncDb = await syncDatabase(kind);
    s = new SyncService(
      loadSyncConfig({
        pages: [{ id: "3001" }],
        accessToken: PAGE_TOKEN,
        appId: "1001",
        appSecret: APP_SECRET,
        webhooks: false,
        baseUrl: h.url,
        ...syncDb.config,
        port: 0,
        apiKey: KEY,
        logLevel: "silent",
      }),
      createSyncLog("silent"),
    );
    await s.start();
    await waitFor(() => s.reconciler.last !== undefined, 60_000, "first reconciliation");
    expect(await stored()).toContain(ids.jane);
  });
  afterAll(async () => {
    await s?.stop();
    await syncDb?.db.drop();
    await h?.close();
  });

  it("erases a person by email and by phone over the read API's key, and keeps them erased through reconciliation and webhooks", async () => {
    expect((await call("POST", "/erasures", { email: "jane@example.com" }, null)).status).toBe(401);
    const dry = await (await call("POST", "/erasures", { email: " JANE@example.COM", dry_run: true })).json();
    expect(dry).toMatchObject({ dry_run: true, leads_matched: 1, lead_ids: [ids.jane] });

    const byEmail = await call("POST", "/erasures", { email: " JANE@example.COM", reference: "DSR-1" });
    expect(byEmail.status).toBe(200);
    expect((await byEmail.json()).erasure).toMatchObject({
      kind: "person",
      leads_erased: 1,
      lead_ids: [ids.jane],
      matched_by: "email",
      via: "api",
      reference: "DSR-1",
    });
    const byPhone = await (await call("POST", "/erasures", { phone: "020-7946-0123", country: "GB" })).json();
    expect(byPhone.erasure).toMatchObject({ leads_erased: 1, lead_ids: [ids.janePhone], matched_by: "phone" });
    expect(byPhone.not_recalled).toContain("not recalled");

    expect((await call("GET", `/leads/${ids.jane}`)).status).toBe(404);
    const list = await (await call("GET", "/leads?limit=1000")).json();
    expect(list.data.map((l: { id: string }) => l.id)).not.toContain(ids.janePhone);
    expect(JSON.stringify(list)).not.toMatch(/Jane|Doe|7946 ?0123/);
    expect(await rawRows(rawTarget(), "select id from sync_leads where field_data like ?", ["%Doe%"])).toEqual([]);

    // Meta's copy still has them: reconciliation and a late webhook must not bring them back.
    await s.reconcileNow();
    const after = await stored();
    expect(after).not.toContain(ids.jane);
    expect(after).not.toContain(ids.janePhone);
    expect(after).toContain(ids.other);
    expect(await s.store.enqueue([{ leadId: ids.jane!, pageId: "3001", formId: "8003" }], Date.now())).toBe(0);
  });

  it("deletes one lead by id, keeps an audit log without personal data, and refuses bad input", async () => {
    const del = await call("DELETE", `/leads/${ids.other}`);
    expect(del.status).toBe(200);
    expect((await del.json()).erasure).toMatchObject({ kind: "lead", lead_ids: [ids.other] });
    expect((await call("DELETE", `/leads/${ids.other}`)).status).toBe(404);
    expect((await call("POST", "/erasures", { phone: "12" })).status).toBe(400);
    expect((await call("POST", "/erasures", "[1]")).status).toBe(400);

    const log = await (await call("GET", "/erasures")).json();
    expect(log.data.map((e: { kind: string }) => e.kind)).toEqual(["lead", "person", "person"]);
    expect(log.data[2].identifier_hashes).toEqual([expect.stringMatching(/^email:hmac-sha256:[0-9a-f]{64}$/)]);
    const raw = JSON.stringify(await rawRows(rawTarget(), "select * from sync_erasure_audit"));
    expect(raw).not.toMatch(/jane|example\.com|7946|442079/i);
  });

  it("`leadgraph sync erase` erases on the database from the command line", async () => {
    const [extra] = await h.runtime.services.intake.create(
      [
        {
          formId: "8003",
          createdTime: TEST_NOW - 5,
          fieldData: [
            { name: "full_name", values: ["Late Jane"] },
            { name: "email", values: ["late@example.net"] },
            { name: "phone_number", values: ["+442079460555"] },
          ],
        },
      ],
      { source: "admin", fireWebhooks: false },
    );
    await s.reconcileNow();
    expect(await stored()).toContain(extra);
    const where = syncDb.config.databaseUrl ? ["--database-url", syncDb.config.databaseUrl] : ["--db", syncDb.config.db!];
    const res = await cli(["sync", "erase", "--email", "LATE@example.net", "--json", ...where]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).erasure).toMatchObject({ kind: "person", leads_erased: 1, lead_ids: [extra], via: "cli" });
    expect(await stored()).not.toContain(extra);
  });

  /** The sync database as rawRows takes it. */
  function rawTarget(): TestDatabase {
    return syncDb.config.databaseUrl
      ? { ...syncDb.db, config: { db: ":unused:", databaseUrl: syncDb.config.databaseUrl } }
      : { ...syncDb.db, config: { db: syncDb.config.db! } };
  }
});
