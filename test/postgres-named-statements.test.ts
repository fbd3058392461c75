import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type Connection } from "../src/storage/database.ts";
import { StatementNames } from "../src/storage/dialects/postgres/named-statements.ts";
import { keepPlanFor } from "../src/storage/plan-kept.ts";
import { adminQuery as admin, freshDatabase, type TestDatabase } from "./support/databases.ts";

/**
 * Repeated queries run as PostgreSQL prepared statements (src/storage/dialects/postgres/named-statements.ts):
 * which texts get a name, that the bound holds, that a plan made stale by another instance's
 * migration does not break reads, and that the switch turns it off.
 */
const pgAvailable = inject("pgAdminUrl") !== "";

const always = () => true;

describe("which statements are named", () => {
  it("names only texts whose plan may be kept (queries compiled once, the lead write)", () => {
    const names = new StatementNames(10);
    const listed = 'select "id" from "forms" where "id" = $1 /* listed */';
    const filter = 'select "id" from "leads" where "form_id" = $1 and "external_id" in ($2, $3)';
    keepPlanFor(listed);
    for (let i = 0; i < 3; i++) names.nameFor(filter, 3);
    expect(names.nameFor(filter, 3)).toBeUndefined();
    names.nameFor(listed, 1);
    expect(names.nameFor(listed, 1)).toBeDefined();
  });

  it("names a parameterised select on its second use, and keeps the name", () => {
    const names = new StatementNames(10, always);
    const text = 'select "id" from "leads" where "id" = $1';
    expect(names.nameFor(text, 1)).toBeUndefined();
    const name = names.nameFor(text, 1);
    expect(name).toMatch(/^leadgraph_\d+$/);
    expect(names.nameFor(text, 1)).toBe(name);
    expect(names.nameFor('select "id" from "forms" where "id" = $1', 1)).toBeUndefined();
  });

  it("never names statements without parameters, DDL, transaction control or settings", () => {
    const names = new StatementNames(10, always);
    for (const [text, params] of [
      ["select 1", 0],
      ["begin", 0],
      ["commit", 0],
      ["create table t (id text)", 0],
      ["alter table t add column x text default $1", 1],
      ["set local statement_timeout = $1", 1],
      ["select pg_notify($1, $2)", 2],
    ] as const) {
      names.nameFor(text, params);
      names.nameFor(text, params);
    }
    // pg_notify is a parameterised select: the one that may be named.
    expect(names.size).toBe(1);
  });

  it("names DML and common table expressions", () => {
    const names = new StatementNames(10, always);
    for (const text of [
      "insert into t values ($1)",
      "update t set a = $1",
      "delete from t where a = $1",
      "with x as (select $1) select * from x",
    ]) {
      names.nameFor(text, 1);
      expect(names.nameFor(text, 1), text).toBeDefined();
    }
  });

  it("names at most maxNames texts; the rest run unnamed", () => {
    const names = new StatementNames(3, always);
    const texts = Array.from({ length: 6 }, (_, i) => `select ${i} from t where id = $1`);
    for (const t of texts) names.nameFor(t, 1);
    const named = texts.map((t) => names.nameFor(t, 1));
    expect(named.filter((n) => n !== undefined)).toHaveLength(3);
    expect(names.size).toBe(3);
    expect(new Set(named.filter((n) => n !== undefined)).size).toBe(3);
  });

  it("keeps its memory of one-off texts bounded", () => {
    const names = new StatementNames(10, always);
    for (let i = 0; i < 20_000; i++) names.nameFor(`select ${i} from t where id = $1`, 1);
    // After the clear at 4,096 the first text counts as new again: its next use is its first.
    expect(names.nameFor("select 0 from t where id = $1", 1)).toBeUndefined();
    expect(names.nameFor("select 19999 from t where id = $1", 1)).toBeDefined();
  });
});

describe.skipIf(!pgAvailable)("prepared statements on PostgreSQL", () => {
  let database: TestDatabase;
  let url: string;

  beforeAll(async () => {
    database = await freshDatabase("postgres");
    url = (database.config as { databaseUrl: string }).databaseUrl;
    await admin(url, "create table t (id text primary key, v text not null)");
    await admin(url, "insert into t select 'k' || g, 'v' || g from generate_series(1, 20) g");
    keepPlanFor("select v from t where id = $1");
    keepPlanFor("select * from m where id = $1");
  });
  afterAll(() => database?.drop());

  /** One connection, so every query below runs on the session whose prepared statements it lists. */
  const single = (preparedStatements?: boolean): Connection =>
    connect({ kind: "postgres", url, poolSize: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
  const prepared = async (c: Connection) =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(c.db)).rows;

  it("answers a repeated read from one prepared statement, with each call's own parameters", async () => {
    const c = single();
    try {
      const values: string[] = [];
      for (let i = 1; i <= 4; i++) {
        const r = await sql<{ v: string }>`select v from t where id = ${`k${i}`}`.execute(c.db);
        values.push(r.rows[0]!.v);
      }
      expect(values).toEqual(["v1", "v2", "v3", "v4"]);
      expect(await prepared(c)).toEqual([{ name: "leadgraph_0", statement: "select v from t where id = $1" }]);
    } finally {
      await c.close();
    }
  });

  it("plans a filter afresh each time: an IN list is never prepared", async () => {
    const c = single();
    try {
      for (let i = 1; i <= 4; i++) await sql`select v from t where id in (${`k${i}`}, ${`k${i + 1}`})`.execute(c.db);
      expect(await prepared(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("prepares nothing when turned off", async () => {
    const c = single(false);
    try {
      for (let i = 1; i <= 4; i++) await sql`select v from t where id = ${`k${i}`}`.execute(c.db);
      expect(await prepared(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("keeps reading when another instance's migration changes a prepared select's columns", async () => {
    await admin(url, "create table m (id text primary key, v text)");
    await admin(url, "insert into m values ('a', 'one')");
    const c = single();
    try {
      const read = () => sql<Record<string, string>>`select * from m where id = ${"a"}`.execute(c.db);
      await read();
      await read();
      expect(await prepared(c)).toHaveLength(1);
      await admin(url, "alter table m add column w text not null default 'added'");
      // Inside a transaction PostgreSQL has aborted it: the error is the caller's.
      await expect(c.db.transaction().execute((trx) => sql`select * from m where id = ${"a"}`.execute(trx))).rejects.toMatchObject({
        code: "0A000",
      });
      // Outside one, the read succeeds with the new column, and keeps doing so.
      expect((await read()).rows).toEqual([{ id: "a", v: "one", w: "added" }]);
      expect((await read()).rows).toEqual([{ id: "a", v: "one", w: "added" }]);
    } finally {
      await c.close();
    }
  });
});
