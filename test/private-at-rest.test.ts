import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { connectSyncDatabase, migrateSyncDatabase } from "../src/sync/index.ts";
import { buildApp } from "../src/http/app.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { databaseKinds, freshDatabase } from "./support/databases.ts";
import { exampleWorld } from "./support/worlds.ts";

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe("database files are private whatever the umask", () => {
  let dir = "";
  let umask = 0;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-modes-"));
    // The most permissive umask: every mode below is set by leadgraph, not inherited.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the server's .db, -wal, -shm and .db.key 0600 and its directories 0700", async () => {
    const file = join(dir, "new", "nested", "leadgraph.db");
    const runtime = await createRuntime(loadConfig({ db: file, logLevel: "silent" }));
    try {
      await loadWorld(runtime.services, exampleWorld());
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.key`]) {
        expect(existsSync(f), f).toBe(true);
        expect(modeOf(f).toString(8), f).toBe("600");
      }
      expect(modeOf(join(dir, "new")).toString(8)).toBe("700");
      expect(modeOf(join(dir, "new", "nested")).toString(8)).toBe("700");
      // A directory that was already there keeps its operator's mode.
      expect(modeOf(dir).toString(8)).toBe("700");
    } finally {
      await runtime.close();
    }
  });

  it("creates leadgraph sync's database and its -wal and -shm 0600", async () => {
    const file = join(dir, "sync", "leads.db");
    const conn = connectSyncDatabase({ kind: "sqlite", file });
    try {
      await migrateSyncDatabase(conn.db);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f).toString(8), f).toBe("600");
      expect(modeOf(join(dir, "sync")).toString(8)).toBe("700");
    } finally {
      await conn.close();
    }
  });
});

describe.each(databaseKinds())("server secrets sealed at rest (%s)", (kind) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    db = await freshDatabase(kind);
  });
  afterEach(async () => db?.drop());
  const config = () => loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" });

  it("stores cursor_secret, hosted_form_secret and verify tokens sealed, and reads them back", async () => {
    const runtime = await createRuntime(config());
    try {
      await loadWorld(runtime.services, exampleWorld());
      const app = await buildApp(runtime);
      expect((await app.inject({ method: "GET", url: "/forms/8001" })).statusCode).toBe(200);
      await app.close();
      const rows = await runtime.connection.db
        .selectFrom("settings")
        .select(["key", "value"])
        .where("key", "in", ["cursor_secret", "hosted_form_secret"])
        .execute();
      expect(rows.map((r) => r.key).sort()).toEqual(["cursor_secret", "hosted_form_secret"]);
      for (const r of rows) expect(r.value).toMatch(/^v1:/);
      const stored = await runtime.connection.db.selectFrom("webhook_subscriptions").select("verify_token").execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.verify_token).toMatch(/^v1:/);
      expect((await runtime.services.store.subscriptions.listForApp("1001"))[0]!.verifyToken).toBe("vt");
    } finally {
      await runtime.close();
    }
  });

  it("migration 0012 seals the plain secrets of an older database; cursors made before stay valid", async () => {
    const first = await createRuntime(config());
    await loadWorld(first.services, exampleWorld());
    const cursor = first.services.cursors.encode("form-leads:8001", { t: 1_795_867_200, id: "9001" });
    // Back to what the previous release stored: plain values, migration 0012 not applied.
    const d = first.connection.db;
    const plainCursor = await first.services.store.settings.getOrInitSecret("cursor_secret", () => "unused");
    await d.updateTable("settings").set({ value: plainCursor }).where("key", "=", "cursor_secret").execute();
    await d
      .insertInto("settings")
      .values({ key: "hosted_form_secret", value: "ab".repeat(32) })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: "ab".repeat(32) }))
      .execute();
    await d.updateTable("webhook_subscriptions").set({ verify_token: "plain-vt" }).execute();
    // Kysely applies migrations in order: the ones after 0012 are rolled back with it.
    await sql`drop table attempt_counters`.execute(d);
    await sql`delete from leadgraph_migrations where name in ('0012-seal-server-secrets', '0013-attempt-counters', '0014-directory-notify', '0015-charge-function', '0016-test-leads-index')`.execute(
      d,
    );
    await first.close();

    const second = await createRuntime(config());
    try {
      const rows = await second.connection.db
        .selectFrom("settings")
        .select(["key", "value"])
        .where("key", "in", ["cursor_secret", "hosted_form_secret"])
        .execute();
      for (const r of rows) expect(r.value, r.key).toMatch(/^v1:/);
      expect(await second.services.store.settings.getOrInitSecret("hosted_form_secret", () => "unused")).toBe("ab".repeat(32));
      expect(
        (await second.connection.db.selectFrom("webhook_subscriptions").select("verify_token").executeTakeFirstOrThrow()).verify_token,
      ).toMatch(/^v1:/);
      expect((await second.services.store.subscriptions.listForApp("1001"))[0]!.verifyToken).toBe("plain-vt");
      expect(second.services.cursors.decode("form-leads:8001", cursor, "after")).toEqual({ t: 1_795_867_200, id: "9001" });
    } finally {
      await second.close();
    }
  });
});
