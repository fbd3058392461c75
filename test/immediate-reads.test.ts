import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSqlite } from "../src/storage/dialects/sqlite/connect.ts";
import { immediateRead } from "../src/storage/immediate-reads.ts";
import { migrateToLatest } from "../src/storage/index.ts";
import { PreparedQuery } from "../src/storage/prepared-query.ts";

const settingByKey = new PreparedQuery<{ key: string }, { value: string }>((db, param) =>
  db.selectFrom("settings").select("value").where("key", "=", param("key")).compile());

describe("SQLite reads that run at once (outside transactions only)", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-immediate-"));
  let conn: ReturnType<typeof connectSqlite>;
  beforeAll(async () => {
    conn = connectSqlite(join(dir, "reads.db"));
    await migrateToLatest(conn.db);
  });
  afterAll(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a read synchronously when no transaction is open, and never runs a write", async () => {
    await conn.db.insertInto("settings").values({ key: "a", value: "1" }).execute();
    const sql = settingByKey.sqlFor(conn.db);
    expect(immediateRead(conn.db, sql, ["a"])).toEqual([{ value: "1" }]);
    expect(immediateRead(conn.db, "insert into settings (key, value) values (?, ?)", ["b", "2"])).toBeUndefined();
    // better-sqlite3 calls a statement that answers rows a reader, writes included.
    expect(immediateRead(conn.db, "insert into settings (key, value) values (?, ?) returning key", ["c", "3"])).toBeUndefined();
    expect(await conn.db.selectFrom("settings").select("key").where("key", "in", ["b", "c"]).execute()).toEqual([]);
  });

  it("a read started while another caller's transaction is open waits for it: no uncommitted or rolled-back rows", async () => {
    let during: Promise<unknown> | undefined;
    let immediateDuring: unknown = "not asked";
    await expect(conn.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "rolled-back", value: "x" }).execute();
      immediateDuring = immediateRead(conn.db, settingByKey.sqlFor(conn.db), ["rolled-back"]);
      during = settingByKey.execute(conn.db, { key: "rolled-back" });
      throw new Error("roll back");
    })).rejects.toThrow("roll back");
    expect(immediateDuring).toBeUndefined();
    expect((await during as { rows: unknown[] }).rows).toEqual([]);

    await conn.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "committed", value: "y" }).execute();
      during = settingByKey.execute(conn.db, { key: "committed" });
    });
    expect((await during as { rows: unknown[] }).rows).toEqual([{ value: "y" }]);
  });
});
