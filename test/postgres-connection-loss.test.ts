import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GraphError } from "../src/domain/errors.ts";
import { connect, type Connection, type Database, listenOutbox, migrateToLatest } from "../src/storage/index.ts";
import { freshDatabase, type TestDatabase } from "./support/databases.ts";

const pgAvailable = inject("pgAdminUrl") !== "";

/**
 * One connection of the pool loses its backend (as on a PostgreSQL restart or failover) while the
 * code holds it: a read outside a transaction is answered from a fresh connection, a write fails
 * with Graph's transient error and is not applied, and a transaction cut in the middle leaves
 * nothing behind. The pool's connections listen for their own errors, so none of this reaches the
 * process as an unhandled 'error' event (vitest would fail the file).
 */
describe.skipIf(!pgAvailable)("a pool connection losing its backend (postgres)", () => {
  let db: TestDatabase;
  let conn: Connection;
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });

  beforeAll(async () => {
    db = await freshDatabase("postgres");
    conn = connect({ kind: "postgres", url: (db.config as { databaseUrl: string }).databaseUrl });
    await migrateToLatest(conn.db);
    await admin.connect();
  });
  afterAll(async () => {
    await conn?.close();
    await admin.end();
    await db?.drop();
  });

  /** Terminates the backend behind `on` and waits until PostgreSQL no longer lists it. */
  const loseBackend = async (on: Kysely<Database>) => {
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(on)).rows[0]!.pid;
    await admin.query("select pg_terminate_backend($1)", [pid]);
    await expect
      .poll(async () => (await admin.query("select 1 from pg_stat_activity where pid = $1", [pid])).rowCount, {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(0);
  };
  const valueOf = async (key: string) =>
    (await conn.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst())?.value;

  it("a read whose connection was lost is answered from a fresh connection", async () => {
    await conn.db.insertInto("settings").values({ key: "read-me", value: "here" }).execute();
    const lostBefore = [...conn.faults.counts.values()].reduce((a, b) => a + b, 0);
    const value = await conn.db.connection().execute(async (c) => {
      await loseBackend(c);
      return (await c.selectFrom("settings").select("value").where("key", "=", "read-me").executeTakeFirst())?.value;
    });
    expect(value).toBe("here");
    // The loss was reported (the connection's own 'error', the failed first try), not hidden.
    expect([...conn.faults.counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(lostBefore);
  });

  it("a write whose connection was lost fails with the transient error (code 2) and is not applied", async () => {
    const failure = await conn.db.connection().execute(async (c) => {
      await loseBackend(c);
      return c
        .insertInto("settings")
        .values({ key: "lost-write", value: "x" })
        .execute()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    });
    expect(failure).toBeInstanceOf(GraphError);
    expect(failure).toMatchObject({ code: 2, status: 503, isTransient: true, type: "OAuthException" });
    expect(await valueOf("lost-write")).toBeUndefined();
  });

  it("a transaction cut in the middle fails with the transient error and leaves nothing behind", async () => {
    const failure = await conn.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("settings").values({ key: "half-1", value: "x" }).execute();
        await loseBackend(trx);
        await trx.insertInto("settings").values({ key: "half-2", value: "x" }).execute();
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The rollback on a dead connection fails too; the caller still sees the first error.
    expect(failure).toMatchObject({ code: 2, isTransient: true });
    expect(await valueOf("half-1")).toBeUndefined();
    expect(await valueOf("half-2")).toBeUndefined();
    // The pool serves on.
    await conn.db.insertInto("settings").values({ key: "after", value: "y" }).execute();
    expect(await valueOf("after")).toBe("y");
  });

  it("the outbox LISTEN connection comes back by itself, listens again and looks once for what it missed", async () => {
    const url = (db.config as { databaseUrl: string }).databaseUrl;
    const dbName = new URL(url).pathname.slice(1);
    let wakes = 0;
    const errors: unknown[] = [];
    const listener = listenOutbox(
      url,
      () => wakes++,
      (e) => errors.push(e),
    );
    try {
      const listenerPid = async (): Promise<number | undefined> =>
        (await admin.query("select pid from pg_stat_activity where datname = $1 and query ilike 'LISTEN %'", [dbName])).rows[0]?.pid;
      await expect.poll(listenerPid, { timeout: 10_000, interval: 20 }).toBeDefined();
      await expect.poll(() => wakes, { timeout: 10_000, interval: 20 }).toBe(1);
      const first = await listenerPid();
      await admin.query("select pg_terminate_backend($1)", [first]);
      await expect
        .poll(
          async () => {
            const pid = await listenerPid();
            return pid !== undefined && pid !== first;
          },
          { timeout: 15_000, interval: 20 },
        )
        .toBe(true);
      // The reconnection looked once (a lead committed while nobody listened is not left waiting)…
      await expect.poll(() => wakes, { timeout: 10_000, interval: 20 }).toBe(2);
      expect(errors.length).toBeGreaterThan(0);
      // …and the new connection hears NOTIFYs again.
      await sql`notify leadgraph_outbox`.execute(conn.db);
      await expect.poll(() => wakes, { timeout: 10_000, interval: 20 }).toBe(3);
    } finally {
      await listener.close();
    }
  });
});
