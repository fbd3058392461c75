import { PassThrough } from "node:stream";
import type { AddressInfo } from "node:net";
import SQLite from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.ts";
import { loggerOptions } from "../src/http/logger.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { freshDatabase, type TestDatabase } from "./support/databases.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "sqlite-faults-admin-key-01";
const PAGE_TOKEN = "EAAB-page-acme";

/**
 * The three ways a SQLite file refuses a write, made real on the server's own connection or file:
 *  - full: `PRAGMA max_page_count` lowered to the pages the file holds, so the next page SQLite
 *    needs answers SQLITE_FULL exactly as a full disk does;
 *  - read-only: `PRAGMA query_only` (tests run as root, whom chmod does not stop), which makes
 *    SQLite answer SQLITE_READONLY to every write;
 *  - locked: a second connection holding an EXCLUSIVE transaction past the server's busy_timeout
 *    (lowered so the test does not wait ten seconds), so the write lock answers SQLITE_BUSY.
 * Each time, the client gets Graph's transient error (code 2, HTTP 503, never 500), the log names
 * SQLite's own code, nothing acknowledged is lost, and writes succeed again once the cause is gone,
 * without a restart.
 */
describe("SQLite faults are explained and survived (sqlite)", () => {
  let db: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;
  let base = "";
  let log = "";
  const acked: string[] = [];

  beforeAll(async () => {
    db = await freshDatabase("sqlite");
    runtime = await createRuntime(loadConfig({ ...db.config, secretKey: db.secretKey, adminKey: ADMIN_KEY, logLevel: "warn", port: 0 }));
    await loadWorld(runtime.services, exampleWorld());
    const stream = new PassThrough();
    stream.on("data", (b: Buffer) => (log += b.toString("utf8")));
    app = await buildApp(runtime, { logger: loggerOptions("warn", stream) });
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await db?.drop();
  });

  /** Creates leads through the admin API (one durable transaction), then a test lead through Graph. */
  const writeLeads = async () => {
    const res = await fetch(`${base}/_leadgraph/admin/forms/8001/leads`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        leads: Array.from({ length: 20 }, (_, i) => ({ field_data: [{ name: "full_name", values: [`Disk ${i} ${"x".repeat(400)}`] }] })),
      }),
    });
    const body = (await res.json()) as { ids?: string[]; error?: { code: number; is_transient: boolean; type: string } };
    if (res.status === 200) acked.push(...body.ids!);
    return { status: res.status, body };
  };
  const setPragma = (text: string) => sql.raw(`pragma ${text}`).execute(runtime.connection.db);

  const expectTransient = (r: { status: number; body: { error?: { code: number; is_transient: boolean; type: string } } }) => {
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 2, is_transient: true, type: "OAuthException" });
  };

  const everyAckedLeadReadable = async () => {
    for (const id of acked) {
      const res = await fetch(`${base}/v25.0/${id}?access_token=${PAGE_TOKEN}&fields=id`);
      expect(res.status, id).toBe(200);
    }
  };

  it("a full disk answers the transient error, logs SQLITE_FULL, and writes resume when space returns", async () => {
    expect((await writeLeads()).status).toBe(200);
    const pages = Number(Object.values((await setPragma("page_count")).rows[0] as object)[0]);
    await setPragma(`max_page_count = ${pages}`);
    let refused: Awaited<ReturnType<typeof writeLeads>> | undefined;
    // The free pages the file still has may take a few writes; then it is full.
    for (let i = 0; i < 50 && refused === undefined; i++) {
      const r = await writeLeads();
      if (r.status !== 200) refused = r;
    }
    expect(refused).toBeDefined();
    expectTransient(refused!);
    expect(log).toMatch(/database SQLITE_FULL during/);
    expect(log).not.toMatch(/cannot rollback/);
    // Reads still answer while the disk is full.
    await everyAckedLeadReadable();
    await setPragma("max_page_count = 1073741823");
    expect((await writeLeads()).status).toBe(200);
    await everyAckedLeadReadable();
  });

  it("a read-only database answers the transient error, logs SQLITE_READONLY, and writes resume when it is writable", async () => {
    await setPragma("query_only = 1");
    expectTransient(await writeLeads());
    const testLead = await fetch(`${base}/v25.0/8001/test_leads?access_token=${PAGE_TOKEN}`, { method: "POST" });
    expect(testLead.status).toBe(503);
    expect(log).toMatch(/database SQLITE_READONLY during/);
    await setPragma("query_only = 0");
    expect((await writeLeads()).status).toBe(200);
    await everyAckedLeadReadable();
  });

  it("a file locked by another process past busy_timeout answers the transient error, logs SQLITE_BUSY, and writes resume when it is released", async () => {
    await setPragma("busy_timeout = 200");
    const other = new SQLite(db.config.db);
    try {
      other.exec("begin exclusive");
      expectTransient(await writeLeads());
      expect(log).toMatch(/database SQLITE_BUSY during/);
      other.exec("commit");
    } finally {
      other.close();
      await setPragma("busy_timeout = 10000");
    }
    expect((await writeLeads()).status).toBe(200);
    await everyAckedLeadReadable();
    expect(log).not.toMatch(/"statusCode":500|unhandled error/);
    console.log(
      `[sqlite-faults] ${acked.length} leads acknowledged and readable; faults logged: ${JSON.stringify(Object.fromEntries(runtime.connection.faults.counts))}`,
    );
  });
});
