import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { importLeads } from "../src/import/import-leads.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * Every COMMIT any better-sqlite3 connection of this process runs, with the connection's
 * `PRAGMA synchronous` at that instant (2 = FULL: fsynced; 1 = NORMAL) and whether the transaction
 * inserted a lead. Read at the commit itself, so a durable path that set FULL too late, reset it too
 * early or never set it fails.
 */
interface Commit {
  level: number;
  wroteLead: boolean;
}
const commits: Commit[] = [];
const statementProto = Object.getPrototypeOf(new SQLite(":memory:").prepare("select 1")) as { run: (...a: unknown[]) => unknown };
const originalRun = statementProto.run;
const wroteLead = new WeakMap<object, boolean>();
statementProto.run = function (this: { source: string; database: SQLite.Database }, ...args: unknown[]) {
  const source = this.source.trim().toLowerCase();
  if (source.startsWith("begin")) wroteLead.set(this.database, false);
  if (source.startsWith('insert into "leads"')) wroteLead.set(this.database, true);
  if (source === "commit")
    commits.push({
      level: Number(this.database.pragma("synchronous", { simple: true })),
      wroteLead: wroteLead.get(this.database) ?? false,
    });
  return originalRun.apply(this, args);
};
// Every change of the level, by whatever connection: switches are counted, not only their outcome.
const switches: string[] = [];
const databaseProto = SQLite.prototype as unknown as { pragma: (source: string, ...a: unknown[]) => unknown };
const originalPragma = databaseProto.pragma;
databaseProto.pragma = function (this: SQLite.Database, source: string, ...args: unknown[]) {
  const m = /^synchronous\s*=\s*(\w+)$/i.exec(source.trim());
  if (m) switches.push(m[1]!.toUpperCase());
  return originalPragma.call(this, source, ...args);
};
afterAll(() => {
  statementProto.run = originalRun;
  databaseProto.pragma = originalPragma;
});

const FULL = 2;
const NORMAL = 1;

describe("lead writes are fsynced on SQLite, other writes are not", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness("sqlite", { world: exampleWorld() });
    dir = mkdtempSync(join(tmpdir(), "leadgraph-durable-"));
    // Loading the world committed its leads too; each test below counts only its own commits.
    commits.length = 0;
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    commits.length = 0;
  });

  const synchronousNow = async () => {
    const { sql } = await import("kysely");
    return Number((await sql<{ synchronous: number }>`pragma synchronous`.execute(h.runtime.connection.db)).rows[0]!.synchronous);
  };
  const leadCommits = () => commits.filter((c) => c.wroteLead);
  // FULL stays on after a durable transaction until the next ordinary write, which must find NORMAL.
  let probes = 0;
  const ordinaryWriteIsNormal = async () => {
    commits.length = 0;
    await h.runtime.services.store.transaction((tx) => tx.settings.set("durability-probe", String(++probes)));
    expect(commits).toEqual([{ level: NORMAL, wroteLead: false }]);
    expect(await synchronousNow()).toBe(NORMAL);
  };

  it("hosted-form POST commits its lead under synchronous=FULL, and the next ordinary write under NORMAL", async () => {
    const page = await h.app.inject({ method: "GET", url: "/forms/8002" });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await h.app.inject({
      method: "POST",
      url: "/forms/8002",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _token: token, "answer:email": "durable@example.com" }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(leadCommits()).toEqual([{ level: FULL, wroteLead: true }]);
    await ordinaryWriteIsNormal();
  });

  it("test leads, admin leads and import commit under FULL too", async () => {
    const test = await h.graph("POST", "/8002/test_leads", { token: "EAAB-page-other" });
    expect(test.status).toBe(200);
    const admin = await h.app.inject({
      method: "POST",
      url: "/_leadgraph/admin/forms/8001/leads",
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
      payload: { leads: [{ ad_id: "7001", field_data: [{ name: "email", values: ["a@example.com"] }] }] },
    });
    expect(admin.statusCode).toBe(200);
    const file = join(dir, "rows.csv");
    writeFileSync(file, "external_id,email\nd1,one@example.com\nd2,two@example.com\n");
    expect((await importLeads(h.runtime.services, { file, formId: "8002", format: "csv" })).created).toBe(2);
    expect(leadCommits().length).toBeGreaterThanOrEqual(3);
    expect(leadCommits().every((c) => c.level === FULL)).toBe(true);
    await ordinaryWriteIsNormal();
  });

  it("a world file's leads commit under FULL, in the world's one transaction", async () => {
    const { loadWorld } = await import("../src/world/load-world.ts");
    const summary = await loadWorld(h.runtime.services, {
      leads: [
        {
          id: "9901",
          form_id: "8002",
          created_time: "2026-11-27T10:00:00+0000",
          field_data: [{ name: "email", values: ["w@example.com"] }],
        },
      ],
    });
    expect(summary.leads).toBe(1);
    expect(commits).toEqual([{ level: FULL, wroteLead: true }]);
    await ordinaryWriteIsNormal();
  });

  it("an ordinary transaction still commits under NORMAL", async () => {
    await h.runtime.services.store.transaction((tx) => tx.settings.set("durability-probe", "1"));
    expect(commits).toEqual([{ level: NORMAL, wroteLead: false }]);
  });

  it("a durable transaction that throws rolls back, and the next ordinary write is under NORMAL", async () => {
    await expect(
      h.runtime.services.store.durableTransaction(async (tx) => {
        await tx.settings.set("durability-rollback", "1");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await h.runtime.services.store.settings.get("durability-rollback")).toBeUndefined();
    await ordinaryWriteIsNormal();
  });

  it("consecutive leads switch to FULL once; an ordinary write outside a transaction switches back first", async () => {
    await ordinaryWriteIsNormal();
    switches.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({
        method: "POST",
        url: "/_leadgraph/admin/forms/8002/leads",
        headers: { authorization: `Bearer ${h.runtime.adminKey}` },
        payload: { leads: [{ field_data: [{ name: "email", values: [`c${i}@example.com`] }] }] },
      });
      expect(res.statusCode).toBe(200);
    }
    expect(leadCommits().map((c) => c.level)).toEqual([FULL, FULL, FULL]);
    expect(switches).toEqual(["FULL"]);
    // An autocommit write has no COMMIT statement to observe: its level is the connection's as it runs.
    await h.runtime.services.store.settings.set("durability-autocommit", "1");
    expect(switches).toEqual(["FULL", "NORMAL"]);
    expect(await synchronousNow()).toBe(NORMAL);
  });

  it("leads posted at the same time share fsynced commits: every one is under FULL and every lead is kept", async () => {
    const posts = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        h.app.inject({
          method: "POST",
          url: "/_leadgraph/admin/forms/8002/leads",
          headers: { authorization: `Bearer ${h.runtime.adminKey}` },
          payload: { leads: [{ field_data: [{ name: "email", values: [`together${i}@example.com`] }] }] },
        }),
      ),
    );
    expect(posts.map((p) => p.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(leadCommits().length).toBeGreaterThanOrEqual(1);
    expect(leadCommits().length).toBeLessThanOrEqual(6);
    expect(leadCommits().every((c) => c.level === FULL)).toBe(true);
    const ids = posts.map((p) => (JSON.parse(p.body) as { ids: string[] }).ids[0]!);
    const stored = await h.runtime.connection.db.selectFrom("leads").select("id").where("id", "in", ids).execute();
    expect(stored).toHaveLength(6);
    await ordinaryWriteIsNormal();
  });

  it("a write that answers rows (UPDATE … RETURNING) after a lead runs under NORMAL too", async () => {
    await h.runtime.services.store.settings.set("durability-counter", "1");
    const res = await h.app.inject({
      method: "POST",
      url: "/_leadgraph/admin/forms/8002/leads",
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
      payload: { leads: [{ field_data: [{ name: "email", values: ["r@example.com"] }] }] },
    });
    expect(res.statusCode).toBe(200);
    expect(await synchronousNow()).toBe(FULL);
    expect(await h.runtime.services.store.settings.addToInteger("durability-counter", 1)).toBe(2);
    expect(await synchronousNow()).toBe(NORMAL);
  });
});

describe.each(databaseKinds())("durable transaction semantics (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => h?.close());

  it("commits, rolls back on error, and joins an outer transaction", async () => {
    const store = h.runtime.services.store;
    await store.durableTransaction((tx) => tx.settings.set("d-commit", "yes"));
    expect(await store.settings.get("d-commit")).toBe("yes");
    await expect(
      store.durableTransaction(async (tx) => {
        await tx.settings.set("d-rollback", "yes");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await store.settings.get("d-rollback")).toBeUndefined();
    await expect(
      store.transaction(async (outer) => {
        await outer.durableTransaction((inner) => inner.settings.set("d-nested", "yes"));
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await store.settings.get("d-nested")).toBeUndefined();
  });
});
