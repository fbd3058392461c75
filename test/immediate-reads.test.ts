import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
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

  const nextTurn = () => new Promise((r) => setImmediate(r));

  it("the immediate reads of one turn share one read transaction, which the turn's end commits", async () => {
    await nextTurn();
    const sql = settingByKey.sqlFor(conn.db);
    const opened = conn.turn.opened;
    for (const key of ["a", "b", "c"]) immediateRead(conn.db, sql, [key]);
    expect(conn.turn.opened).toBe(opened + 1);
    expect(conn.turn.othersOpen).toBe(false);
    await nextTurn();
    await nextTurn();
    immediateRead(conn.db, sql, ["a"]);
    expect(conn.turn.opened).toBe(opened + 2);
  });

  it("a write in the turn ends its read transaction first: committed at once, seen by the next read", async () => {
    await nextTurn();
    const sql = settingByKey.sqlFor(conn.db);
    expect(immediateRead(conn.db, sql, ["turn-write"])).toEqual([]);
    await conn.db.insertInto("settings").values({ key: "turn-write", value: "w" }).execute();
    // Another connection sees it before the turn ends: the write did not wait inside the read.
    const other = new SQLite(join(dir, "reads.db"), { readonly: true });
    expect(other.prepare("select value from settings where key = ?").get("turn-write")).toEqual({ value: "w" });
    other.close();
    expect(immediateRead(conn.db, sql, ["turn-write"])).toEqual([{ value: "w" }]);
  });

  it("a commit by another connection during a turn is seen from the next turn on", async () => {
    await nextTurn();
    const sql = settingByKey.sqlFor(conn.db);
    expect(immediateRead(conn.db, sql, ["from-elsewhere"])).toEqual([]);
    const other = new SQLite(join(dir, "reads.db"));
    other.prepare("insert into settings (key, value) values (?, ?)").run("from-elsewhere", "x");
    other.close();
    expect(immediateRead(conn.db, sql, ["from-elsewhere"])).toEqual([]);
    await nextTurn();
    expect(immediateRead(conn.db, sql, ["from-elsewhere"])).toEqual([{ value: "x" }]);
  });

  it("a Kysely transaction started in a turn with reads commits normally, and reads wait for it", async () => {
    await nextTurn();
    const sql = settingByKey.sqlFor(conn.db);
    immediateRead(conn.db, sql, ["a"]);
    let during: unknown = "not asked";
    await conn.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "in-tx-after-read", value: "t" }).execute();
      expect(conn.turn.othersOpen).toBe(true);
      during = immediateRead(conn.db, sql, ["in-tx-after-read"]);
    });
    expect(during).toBeUndefined();
    expect(immediateRead(conn.db, sql, ["in-tx-after-read"])).toEqual([{ value: "t" }]);
  });

  it("a connection closed with its turn's read open closes cleanly", async () => {
    const other = connectSqlite(join(dir, "reads.db"));
    immediateRead(other.db, settingByKey.sqlFor(other.db), ["a"]);
    await other.close();
    await nextTurn();
    expect(other.turn.othersOpen).toBe(false);
  });
});
