import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Pool } from "undici";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { DEMO } from "../src/world/demo-world.ts";
import { seedDemo } from "../src/world/seed-demo.ts";
import { type ServeProcess, spawnServe, stopServe } from "../test/support/processes.ts";
import type { BenchDb } from "./bench-server.ts";
import { closedLoopLatencies, quantileMs } from "./load.ts";

export interface HotPageOptions {
  db: BenchDb;
  /** PostgreSQL URL of an empty database (required for `postgres`). */
  databaseUrl?: string;
  /** Connections reading the page at once, spread over the instances. */
  connections?: number;
  /** Server processes on the one database (SQLite: always 1). */
  instances?: number;
  /** Demo leads seeded: few, so the page's budget is small and reads are charged in small blocks. */
  leads?: number;
  seconds?: number;
}

export interface HotPageResult {
  instances: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Many connections reading the leads of one page, each read rate-limited: the case in which every
 * instance charges the same page's counter. With a page of few leads the budget is small, so reads
 * are reserved in small blocks and charged often; on PostgreSQL each charge is one statement
 * against the page's counter shared by every instance. Latency is measured per request (closed loop).
 */
export async function benchHotPage(opts: HotPageOptions): Promise<HotPageResult> {
  const connections = opts.connections ?? 100;
  const instances = opts.db === "sqlite" ? 1 : (opts.instances ?? 1);
  const seconds = opts.seconds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-hot-page-"));
  const secretKey = randomBytes(24).toString("hex");
  const target: { db: string } | { databaseUrl: string } =
    opts.db === "sqlite" ? { db: join(dir, "hot.db") } : { databaseUrl: opts.databaseUrl ?? fail("a PostgreSQL URL is required") };
  const procs: ServeProcess[] = [];
  try {
    const seeder = await createRuntime(loadConfig({ ...target, secretKey, logLevel: "silent" }));
    await seedDemo(seeder.services, opts.leads ?? 50);
    await seeder.close();
    const where = "db" in target ? ["--db", target.db] : ["--database-url", target.databaseUrl];
    const args = [...where, "--secret-key", secretKey];
    for (let i = 0; i < instances; i++)
      procs.push(await spawnServe([...args, "--log-level", "warn"], { LEADGRAPH_WEBHOOK_DISPATCHER: "false" }));
    const ids = await leadIdsOfPage(procs[0]!.url);
    const pools = procs.map((p) => new Pool(p.url, { connections: Math.ceil(connections / instances), pipelining: 1 }));
    try {
      let n = 0;
      const run = (ms: number) =>
        closedLoopLatencies(connections, ms, async (w) => {
          const path = `/v25.0/${ids[n++ % ids.length]}?access_token=${DEMO.pageTokenCars}`;
          const res = await pools[w % pools.length]!.request({ method: "GET", path });
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text.slice(0, 200)}`);
        });
      await run(Math.min(3000, (seconds * 1000) / 2));
      const { latencies, seconds: took } = await run(seconds * 1000);
      const at = (q: number) => quantileMs(latencies, q);
      return {
        instances,
        connections,
        requests: latencies.length,
        requestsPerSecond: Math.round(latencies.length / took),
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        maxMs: at(1),
      };
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  } finally {
    await Promise.all(procs.map(stopServe));
    rmSync(dir, { recursive: true, force: true });
  }
}

function fail(message: string): never {
  throw new Error(message);
}

async function leadIdsOfPage(url: string): Promise<string[]> {
  const ids: string[] = [];
  for (const form of [DEMO.forms.testDrive]) {
    const res = await fetch(`${url}/v25.0/${form}/leads?fields=id&limit=500&access_token=${DEMO.pageTokenCars}`);
    const body = (await res.json()) as { data?: { id: string }[] };
    ids.push(...(body.data ?? []).map((l) => l.id));
  }
  if (ids.length === 0) throw new Error("the hot page has no leads to read");
  return ids;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { freshBenchDatabase } = await import("./pg-database.ts");
  const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? d);
  for (const db of ["sqlite", "postgres"] as const) {
    for (const instances of db === "sqlite" ? [1] : [1, 2]) {
      const fresh = db === "postgres" ? await freshBenchDatabase() : undefined;
      try {
        const r = await benchHotPage({ db, instances, seconds: arg("seconds", 5), ...(fresh ? { databaseUrl: fresh.url } : {}) });
        process.stdout.write(`${db} ${JSON.stringify(r)}\n`);
      } finally {
        await fresh?.drop();
      }
    }
  }
}
