import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { connectSqlite } from "../src/storage/dialects/sqlite/connect.ts";
import { migrateToLatest } from "../src/storage/index.ts";

/**
 * Another process writing the same file, as a second server or the CLI does. It tries once without
 * waiting and says whether the file was locked ("busy") or its write went through at once
 * ("wrote"), then (when busy) waits for the lock and writes. Resolves `attempted` with that word,
 * and `exited` with the exit code.
 */
function writeFromAnotherProcess(file: string, key: string): { attempted: Promise<string>; exited: Promise<number> } {
  const script = `const D = require("better-sqlite3"); const db = new D(process.argv[1]);
    const insert = () => db.prepare("insert into settings (key, value) values (?, 'other')").run(process.argv[2]);
    db.pragma("busy_timeout = 0");
    try { insert(); process.stdout.write("wrote\\n"); }
    catch (e) { if (e.code !== "SQLITE_BUSY") throw e; process.stdout.write("busy\\n"); db.pragma("busy_timeout = 10000"); insert(); }
    db.close();`;
  const child = spawn(process.execPath, ["-e", script, file, key], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  const attempted = new Promise<string>((resolve) => {
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString("utf8");
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", () => resolve(out.trim() || "nothing"));
  });
  return { attempted, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code ?? -1))) };
}

describe("SQLite transactions across processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-tx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a transaction that reads, waits while another process writes, then writes, commits (no SQLITE_BUSY)", async () => {
    const file = join(dir, "tx.db");
    const { db, close } = connectSqlite(file);
    await migrateToLatest(db);
    let other: ReturnType<typeof writeFromAnotherProcess> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom("settings").selectAll().execute();
      // With a deferred `begin` the other process writes now ("wrote") and our write below fails at once.
      other = writeFromAnotherProcess(file, "written-by-other");
      expect(await other.attempted).toBe("busy");
      await trx.insertInto("settings").values({ key: "written-in-tx", value: "tx" }).execute();
    });
    expect(await other!.exited).toBe(0);
    const keys = (await sql<{ key: string }>`select key from settings where key like 'written-%' order by key`.execute(db)).rows.map(
      (r) => r.key,
    );
    expect(keys).toEqual(["written-by-other", "written-in-tx"]);
    await close();
  });
});
