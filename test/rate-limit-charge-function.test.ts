import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOf, windowStartBucket } from "../src/domain/rate-limit/lead-budget.ts";
import type { ChargeRequest } from "../src/domain/rate-limit/usage-store.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { CHARGE_FUNCTION, chargeFunctionDdl } from "../src/storage/dialects/postgres/charge-lead-usage.ts";
import { KyselyLeadUsageRepository } from "../src/storage/repositories/lead-usage-repository.ts";
import type { Database } from "../src/storage/schema.ts";
import { databaseKinds, freshDatabase, type TestDatabase } from "./support/databases.ts";
import { TEST_NOW } from "./support/harness.ts";

const PAGE = "3001";

/** A charge against a budget of `budget` calls, counted in the statement (nothing trusted from a cache). */
const exactCharge = (budget: number, calls = 1): ChargeRequest => ({
  pageId: PAGE,
  bucket: bucketOf(TEST_NOW),
  fromBucket: windowStartBucket(TEST_NOW),
  calls,
  now: TEST_NOW,
  trustBudgetUpTo: 0,
  callsPerLead: budget,
  minLeads: 1,
  leadsFrom: TEST_NOW - 90 * 86_400,
  leadsTo: TEST_NOW,
});

/**
 * On PostgreSQL a charge is one call of a function that takes the page's lock and runs the charge
 * statement: one round trip, the lock held only while PostgreSQL runs it.
 */
describe.each(databaseKinds().filter((k) => k === "postgres"))("the lead rate limit's charge function (%s)", (kind) => {
  let db: TestDatabase;
  let runtime: Runtime;
  const pools: pg.Pool[] = [];
  /** A Kysely of its own on the database (as another instance would have), logging each statement it sends. */
  const instance = (statements: string[] = []) => {
    const pool = new pg.Pool({ connectionString: (db.config as { databaseUrl: string }).databaseUrl, max: 10 });
    pools.push(pool);
    // The database is dropped (with force) at the end: a client still closing then hears "terminating
    // connection", and an 'error' nobody listens to would end the test process.
    pool.on("error", () => undefined);
    pool.on("connect", (client) => client.on("error", () => undefined));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void statements.push(e.query.sql) });
  };

  beforeAll(async () => {
    db = await freshDatabase(kind);
    runtime = await createRuntime(loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" }));
  });
  afterAll(async () => {
    await runtime?.close();
    await Promise.all(pools.map((p) => p.end()));
    await db?.drop();
  });

  it("is installed as the charge statement SQLite runs (a changed statement needs a migration)", async () => {
    const installed = await sql<{ src: string }>`select prosrc as src from pg_proc where proname = ${CHARGE_FUNCTION}`.execute(
      runtime.connection.db,
    );
    expect(installed.rows).toHaveLength(1);
    const generated = /\$charge\$([\s\S]*)\$charge\$/.exec(chargeFunctionDdl(runtime.connection.db))?.[1];
    expect(generated).toBeDefined();
    expect(installed.rows[0]!.src).toBe(generated);
  });

  it("charges in one statement and no transaction", async () => {
    const statements: string[] = [];
    const usage = new KyselyLeadUsageRepository(instance(statements));
    await usage.reset(PAGE);
    statements.length = 0;
    expect(await usage.tryCharge(exactCharge(100, 3))).toBe(3);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain(CHARGE_FUNCTION);
  });

  it("spends a small budget exactly under 200 concurrent charges from two instances", async () => {
    const a = new KyselyLeadUsageRepository(instance());
    const b = new KyselyLeadUsageRepository(instance());
    await a.reset(PAGE);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).tryCharge(exactCharge(50))));
    const granted = answers.filter((u) => u !== undefined);
    expect(granted).toHaveLength(50);
    // Every grant saw a different window usage: 1 through 50, none twice.
    expect(new Set(granted).size).toBe(50);
    expect(Math.max(...granted)).toBe(50);
    const stored = (await a.buckets(PAGE, 0)).reduce((n, x) => n + x.calls, 0);
    expect(stored).toBe(50);
  });

  it("refuses a forced page and a charge over the budget without writing", async () => {
    const usage = new KyselyLeadUsageRepository(instance());
    await usage.reset(PAGE);
    expect(await usage.tryCharge(exactCharge(10, 11))).toBeUndefined();
    await usage.setForced(PAGE, TEST_NOW + 60);
    expect(await usage.tryCharge(exactCharge(10, 1))).toBeUndefined();
    await usage.setForced(PAGE, null);
    expect(await usage.buckets(PAGE, 0)).toEqual([]);
    expect(await usage.tryCharge(exactCharge(10, 10))).toBe(10);
  });
});
