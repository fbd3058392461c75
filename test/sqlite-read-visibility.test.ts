import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSqlite } from "../src/storage/dialects/sqlite/connect.ts";
import { migrateToLatest } from "../src/storage/index.ts";
import { PreparedQuery } from "../src/storage/prepared-query.ts";

const settingByKey = new PreparedQuery<{ key: string }, { value: string }>((db, param) =>
  db.selectFrom("settings").select("value").where("key", "=", param("key")).compile(),
);

/** What a read on the process's one SQLite connection may see, whatever else uses the connection. */
describe("SQLite read visibility", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-read-visibility-"));
  let conn: ReturnType<typeof connectSqlite>;
  beforeAll(async () => {
    conn = connectSqlite(join(dir, "reads.db"));
    await migrateToLatest(conn.db);
  });
  afterAll(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (key: string) => (await settingByKey.execute(conn.db, { key })).rows;

  it("a read started while another caller's transaction is open waits for it: no uncommitted or rolled-back rows", async () => {
    let during: Promise<unknown> | undefined;
    await expect(
      conn.db.transaction().execute(async (trx) => {
        await trx.insertInto("settings").values({ key: "rolled-back", value: "x" }).execute();
        during = read("rolled-back");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await during).toEqual([]);

    await conn.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "committed", value: "y" }).execute();
      during = read("committed");
    });
    expect(await during).toEqual([{ value: "y" }]);
  });

  it("a write is committed at once and seen by the next read, here and on another connection", async () => {
    expect(await read("written")).toEqual([]);
    await conn.db.insertInto("settings").values({ key: "written", value: "w" }).execute();
    const other = new SQLite(join(dir, "reads.db"), { readonly: true });
    expect(other.prepare("select value from settings where key = ?").get("written")).toEqual({ value: "w" });
    other.close();
    expect(await read("written")).toEqual([{ value: "w" }]);
  });

  it("a commit by another connection is seen by the next read", async () => {
    expect(await read("from-elsewhere")).toEqual([]);
    const other = new SQLite(join(dir, "reads.db"));
    other.prepare("insert into settings (key, value) values (?, ?)").run("from-elsewhere", "x");
    other.close();
    expect(await read("from-elsewhere")).toEqual([{ value: "x" }]);
  });
});
