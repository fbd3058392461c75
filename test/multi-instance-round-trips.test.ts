import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { buildApp } from "../src/http/app.ts";
import { CHARGE_FUNCTION } from "../src/storage/dialects/postgres/charge-lead-usage.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { countPgStatements, recordPgStatements } from "./support/pg-statements.ts";
import { exampleWorld } from "./support/worlds.ts";

countPgStatements();

const pgAvailable = inject("pgAdminUrl") !== "";
const TOKEN = "EAAB-page-acme";
const READS = [`/9001?access_token=${TOKEN}`, `/8001/leads?limit=25&fields=id,created_time,field_data&access_token=${TOKEN}`];

/**
 * Scaling without contention, counted rather than timed: the same reads cost each instance the same
 * statements whether one instance serves them or three share them. Were instances to disturb each
 * other (a read that writes a cached table and so clears every instance's cache, a rate-limit block
 * that another instance's claim invalidates), reads spread over three would cost more round trips
 * each. docs/deploy.md has the CPU side (bench/scaling.ts).
 */
describe.skipIf(!pgAvailable)("three instances on one PostgreSQL database", () => {
  let a: Harness;
  const others: { runtime: Runtime; app: FastifyInstance }[] = [];

  // Rate-limit blocks live for a second of wall time: a frozen wall clock keeps every block alive
  // through the reads, so the count of claims depends on the instances alone, not on how fast a
  // busy machine serves them.
  const wall = new ManualWallClock();

  beforeAll(async () => {
    a = await startHarness("postgres", { world: exampleWorld(5_000), wallClock: wall });
    for (let i = 0; i < 2; i++) {
      const runtime = await createRuntime(loadConfig({ ...a.db.config, secretKey: a.db.secretKey, logLevel: "silent", port: 0 }), {
        clock: a.clock,
        wallClock: wall,
      });
      others.push({ runtime, app: await buildApp(runtime) });
    }
  }, 60_000);
  afterAll(async () => {
    for (const o of others) {
      await o.app.close();
      await o.runtime.close();
    }
    await a?.close();
  });

  const apps = () => [a.app, ...others.map((o) => o.app)];

  /** The statements `rounds` of every read send, request i served by `servers[i % n]`, by what they are for. */
  async function statementsOf(servers: FastifyInstance[], rounds: number) {
    let requests = 0;
    const texts = await recordPgStatements(async () => {
      for (let r = 0; r < rounds; r++) {
        for (const url of READS) {
          const res = await servers[requests++ % servers.length]!.inject({ method: "GET", url });
          expect(res.statusCode, res.body).toBe(200);
        }
      }
    });
    const rateLimit = texts.filter((t) => /lead_rate|leadgraph_charge|^(begin|commit)$/.test(t));
    return {
      requests,
      /** Whatever the reads themselves need: leads, forms, directory look-ups the cache missed. */
      reads: texts.filter((t) => !rateLimit.includes(t)).length,
      /** Charges of the page's budget sent to the database: a block claimed, or a read charged alone. */
      charges: texts.filter((t) => t.includes(CHARGE_FUNCTION)).length,
    };
  }

  it("costs the same round trips per read served by one instance or spread over three", async () => {
    // Every instance warm: directory cached, listening, its rate-limit block for the page claimed.
    for (const app of apps()) expect((await statementsOf([app], 10)).charges).toBeGreaterThan(0);
    const one = await statementsOf([a.app], 60);
    const three = await statementsOf(apps(), 60);
    // A warm lead read is one statement and a list page two, however many instances serve them:
    // no instance's reads clear another's cache.
    expect(one.reads / one.requests).toBe(1.5);
    expect(three.reads / three.requests).toBe(1.5);
    // Each instance charges the page from the block it claimed while warming up, which the others'
    // claims after it left alone: the reads claim nothing more, however they are spread.
    expect(one.charges).toBe(0);
    expect(three.charges).toBe(0);
  });
});
