import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSqlite } from "../src/storage/dialects/sqlite/connect.ts";
import { MOST_BODIES_PER_COMMIT } from "../src/storage/dialects/sqlite/group-commit.ts";
import { migrateToLatest } from "../src/storage/index.ts";

/** Durable transactions asked for in the same turn share one fsynced COMMIT; each caller sees its own outcome. */
describe("SQLite group commit of durable transactions", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-group-commit-"));
  const file = join(dir, "group.db");
  let conn: ReturnType<typeof connectSqlite>;
  // A second connection sees only what was committed.
  let outside: SQLite.Database;
  const committedValue = (key: string) =>
    (outside.prepare("select value from settings where key = ?").get(key) as { value: string } | undefined)?.value;

  beforeAll(async () => {
    conn = connectSqlite(file);
    await migrateToLatest(conn.db);
    outside = new SQLite(file, { readonly: true });
  });
  afterAll(async () => {
    outside.close();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (key: string, value = "v") =>
    conn.durableTransaction(async (trx) => {
      await trx.insertInto("settings").values({ key, value }).execute();
      return key;
    });

  it("transactions asked for together commit once, and each caller learns of it only after the commit", async () => {
    const stats = conn.group.stats;
    const before = { ...stats };
    const seenAtResolve: (string | undefined)[] = [];
    const keys = ["g1", "g2", "g3", "g4", "g5"];
    const results = await Promise.all(
      keys.map((k) =>
        put(k).then((key) => {
          seenAtResolve.push(committedValue(key));
          return key;
        }),
      ),
    );
    expect(results).toEqual(keys);
    expect(seenAtResolve).toEqual(["v", "v", "v", "v", "v"]);
    expect(stats.commits - before.commits).toBe(1);
    expect(stats.bodies - before.bodies).toBe(5);
  });

  it("bodies run one after another in the order asked: a later one sees an earlier one's writes", async () => {
    const first = put("order-1", "first");
    const second = conn.durableTransaction(
      async (trx) => (await trx.selectFrom("settings").select("value").where("key", "=", "order-1").executeTakeFirst())?.value,
    );
    await first;
    expect(await second).toBe("first");
  });

  it("a body that throws is undone alone; the others in its group commit", async () => {
    const stats = conn.group.stats;
    const before = stats.commits;
    const failing = conn.durableTransaction(async (trx) => {
      await trx.insertInto("settings").values({ key: "undone", value: "x" }).execute();
      throw new Error("this lead is refused");
    });
    const outcomes = await Promise.allSettled([put("kept-1"), failing, put("kept-2")]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe("this lead is refused");
    expect(committedValue("undone")).toBeUndefined();
    expect([committedValue("kept-1"), committedValue("kept-2")]).toEqual(["v", "v"]);
    expect(stats.commits - before).toBe(1);
  });

  it("a constraint violation inside one body does not cost the others their writes", async () => {
    await put("dup");
    const outcomes = await Promise.allSettled([put("before-dup"), put("dup"), put("after-dup")]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect([committedValue("before-dup"), committedValue("after-dup")]).toEqual(["v", "v"]);
  });

  it("when the transaction itself is lost, every caller in it gets the error and nothing is kept", async () => {
    const outcomes = await Promise.allSettled([
      put("lost-1"),
      conn.durableTransaction(async (trx) => {
        await trx.insertInto("settings").values({ key: "lost-2", value: "x" }).execute();
        // Ends the whole transaction, as SQLite itself does on SQLITE_FULL or an I/O error.
        await sql`rollback`.execute(trx);
        throw new Error("disk full");
      }),
      put("lost-3"),
    ]);
    expect(outcomes[0]).toMatchObject({ status: "rejected", reason: { message: "disk full" } });
    expect(outcomes[1]).toMatchObject({ status: "rejected", reason: { message: "disk full" } });
    // The third had not run when the transaction was lost: it commits in the next group.
    expect(outcomes[2]).toMatchObject({ status: "fulfilled" });
    expect([committedValue("lost-1"), committedValue("lost-2"), committedValue("lost-3")]).toEqual([undefined, undefined, "v"]);
    // And the connection goes on working.
    expect(await put("after-lost")).toBe("after-lost");
  });

  it("a body that leaves the group's savepoints broken fails its whole group, and nothing of it is kept", async () => {
    const outcomes = await Promise.allSettled([
      put("broken-1"),
      conn.durableTransaction(async (trx) => {
        await trx.insertInto("settings").values({ key: "broken-2", value: "x" }).execute();
        await sql`release leadgraph_durable`.execute(trx);
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect([committedValue("broken-1"), committedValue("broken-2")]).toEqual([undefined, undefined]);
    expect(await put("after-broken")).toBe("after-broken");
  });

  it("commits at most MOST_BODIES_PER_COMMIT bodies at a time, and every one of a larger crowd", async () => {
    const stats = conn.group.stats;
    const before = { ...stats };
    const n = MOST_BODIES_PER_COMMIT * 2 + 3;
    await Promise.all(Array.from({ length: n }, (_, i) => put(`crowd-${i}`)));
    expect(stats.bodies - before.bodies).toBe(n);
    expect(stats.commits - before.commits).toBe(3);
    const count = outside.prepare("select count(*) as n from settings where key like 'crowd-%'").get() as { n: number };
    expect(count.n).toBe(n);
  });

  it("each group commits under synchronous=FULL", async () => {
    const levels: number[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        conn.durableTransaction(async (trx) => {
          levels.push(Number((await sql<{ synchronous: number }>`pragma synchronous`.execute(trx)).rows[0]!.synchronous));
          await trx
            .insertInto("settings")
            .values({ key: `full-${i}`, value: "v" })
            .execute();
        }),
      ),
    );
    expect(levels).toEqual([2, 2, 2]);
  });

  it("after the handle is closed, a durable transaction fails instead of waiting forever", async () => {
    const other = connectSqlite(join(dir, "closed.db"));
    await migrateToLatest(other.db);
    await other.close();
    await expect(other.durableTransaction((trx) => trx.selectFrom("settings").selectAll().execute())).rejects.toThrow();
  });
});
