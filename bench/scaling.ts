import { randomBytes } from "node:crypto";
import { availableParallelism, cpus, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { Pool } from "undici";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { DEMO } from "../src/world/demo-world.ts";
import { seedDemo } from "../src/world/seed-demo.ts";
import { type ServeProcess, spawnServe, stopServe } from "../test/support/processes.ts";
import { freshBenchDatabase } from "./pg-database.ts";

export interface ScalingOptions {
  /** A PostgreSQL URL allowed to create and drop databases. */
  pgAdminUrl?: string;
  /** Demo leads seeded before measuring. */
  leads?: number;
  /** Measured time per configuration (after a warm-up of a quarter of it). */
  durationMs?: number;
  /** Requests kept in flight by the load generator, in total. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface Throughput {
  instances: number;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
}

export interface ScalingResult {
  name: "scaling";
  cpuCount: number;
  cpuModel: string;
  loadAverageBefore: number[];
  one: Throughput;
  two: Throughput;
  /** two.requestsPerSecond / one.requestsPerSecond. */
  speedup: number;
  note: string;
}

/**
 * Total read throughput of two `leadgraph serve` processes against one, on one fresh PostgreSQL
 * database. The load generator, both servers and PostgreSQL share this machine's CPUs, so on a
 * small machine the figure measures contention as much as scaling; the CPU count is part of the
 * result for that reason.
 */
export async function scalingBenchmark(opts: ScalingOptions = {}): Promise<ScalingResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const adminUrl = opts.pgAdminUrl ?? process.env.LEADGRAPH_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const durationMs = opts.durationMs ?? 10_000;
  const concurrency = opts.concurrency ?? 16;
  const db = await freshBenchDatabase(adminUrl);
  const databaseUrl = db.url;
  const secretKey = randomBytes(24).toString("hex");
  const procs: ServeProcess[] = [];
  try {
    const seeder = await createRuntime(loadConfig({ databaseUrl, secretKey, logLevel: "silent" }));
    await seedDemo(seeder.services, opts.leads ?? 10_000);
    await seeder.close();
    const args = ["--database-url", databaseUrl, "--secret-key", secretKey, "--log-level", "warn"];
    const loadAverageBefore = loadavg();
    procs.push(await spawnServe(args));
    log(`scaling: one instance at ${procs[0]?.url}`);
    const one = await measure(procs.map((p) => p.url), durationMs, concurrency);
    procs.push(await spawnServe(args));
    log(`scaling: two instances at ${procs.map((p) => p.url).join(", ")}`);
    const two = await measure(procs.map((p) => p.url), durationMs, concurrency);
    const cpuCount = availableParallelism();
    const speedup = one.requestsPerSecond > 0 ? two.requestsPerSecond / one.requestsPerSecond : 0;
    return {
      name: "scaling", cpuCount, cpuModel: cpus()[0]?.model ?? "unknown", loadAverageBefore, one, two, speedup,
      note: `${cpuCount} CPU(s) (load average ${loadAverageBefore.map((l) => l.toFixed(1)).join("/")} before the run) shared by `
        + `the load generator, ${procs.length} server processes and PostgreSQL`
        + (cpuCount <= 2 ? "; with this few CPUs the instances compete for the same cores, so the ratio says little about scaling" : ""),
    };
  } finally {
    await Promise.all(procs.map(stopServe));
    await db.drop();
  }
}

/** Lead list pages (with field data) spread round-robin over the instances, `concurrency` in flight. */
async function measure(urls: string[], durationMs: number, concurrency: number): Promise<Throughput> {
  const pools = urls.map((u) => new Pool(u, { connections: Math.ceil(concurrency / urls.length) }));
  const path = `/v25.0/${DEMO.forms.testDrive}/leads?limit=25&fields=id,created_time,field_data&access_token=${DEMO.pageTokenCars}`;
  let requests = 0;
  let errors = 0;
  const run = async (worker: number, until: number, counting: boolean) => {
    const pool = pools[worker % pools.length] as Pool;
    while (Date.now() < until) {
      try {
        const res = await pool.request({ method: "GET", path });
        await res.body.text();
        if (counting && res.statusCode === 200) requests++;
        else if (counting) errors++;
      } catch {
        if (counting) errors++;
      }
    }
  };
  try {
    const warmUntil = Date.now() + Math.max(1000, durationMs / 4);
    await Promise.all(Array.from({ length: concurrency }, (_, i) => run(i, warmUntil, false)));
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, (_, i) => run(i, started + durationMs, true)));
    const seconds = (Date.now() - started) / 1000;
    return { instances: urls.length, requests, errors, seconds, requestsPerSecond: Math.round(requests / seconds) };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}


if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const seconds = Number(process.argv.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 10);
  const result = await scalingBenchmark({ durationMs: seconds * 1000 });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nread throughput: 1 instance ${result.one.requestsPerSecond} req/s, 2 instances ${result.two.requestsPerSecond} req/s `
    + `(×${result.speedup.toFixed(2)}) on ${result.note}\n`);
}
