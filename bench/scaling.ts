import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
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
  /** Requests per second offered to the instances together, the same for every instance count. */
  ratePerSecond?: number;
  /** Most requests in flight (a server slower than the rate is not buried under a queue). */
  maxInFlight?: number;
  /** Instance counts measured, in order (default 1, 2, 3). */
  instances?: number[];
  log?: (line: string) => void;
}

export interface ScalingRun {
  instances: number;
  offeredPerSecond: number;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  /** CPU time (user + system) each instance's process used while measured. */
  cpuMsPerInstance: number[];
  /** All instances' CPU time over the requests answered. */
  cpuMsPerRequest: number;
  /** CPU time an instance spends per second with no requests (timers, heartbeats, the dispatcher's poll), averaged. */
  idleCpuMsPerSecond: number;
  /** CPU per request once each instance's idle CPU over the same time is taken out. */
  netCpuMsPerRequest: number;
  /** PostgreSQL's CPU time (every `postgres` process on the machine) over the requests answered. */
  postgresCpuMsPerRequest: number;
  /** A control: the instances served only `rate / instances` each; does one instance alone at that rate cost the same? */
  control?: boolean;
  p99Ms: number;
}

export interface ScalingResult {
  name: "scaling";
  cpuCount: number;
  cpuModel: string;
  loadAverageBefore: number[];
  runs: ScalingRun[];
  /** One instance at the per-instance rate of the largest count: what each of them costs with no other instance beside it. */
  control: ScalingRun;
  note: string;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU milliseconds (user + system) a process used so far, from /proc/<pid>/stat. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** CPU milliseconds of every PostgreSQL process on this machine (its backends and auxiliaries). */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") total += cpuMsOf(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/**
 * CPU per request of one, two and three `leadgraph serve` processes on one PostgreSQL database,
 * at one fixed offered rate (lead list pages with field data spread round-robin): if instances
 * contended with each other (locks, a shared counter, cache invalidations) the CPU each request
 * costs would grow with their number. On a small machine total throughput says little (the load
 * generator, the servers and PostgreSQL share its cores); CPU per request at a fixed rate does.
 */
export async function scalingBenchmark(opts: ScalingOptions = {}): Promise<ScalingResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const adminUrl = opts.pgAdminUrl ?? process.env.LEADGRAPH_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const durationMs = opts.durationMs ?? 10_000;
  const rate = opts.ratePerSecond ?? 150;
  const maxInFlight = opts.maxInFlight ?? 64;
  const db = await freshBenchDatabase(adminUrl);
  const databaseUrl = db.url;
  const secretKey = randomBytes(24).toString("hex");
  const procs: ServeProcess[] = [];
  try {
    const seeder = await createRuntime(loadConfig({ databaseUrl, secretKey, logLevel: "silent" }));
    await seedDemo(seeder.services, opts.leads ?? 10_000);
    // As autovacuum would within the first minute: planned on empty-table statistics, a list page
    // sorts the form's every recent lead (4 ms of PostgreSQL's CPU) instead of reading 25 by index.
    await sql`analyze`.execute(seeder.connection.db);
    await seeder.close();
    const args = ["--database-url", databaseUrl, "--secret-key", secretKey, "--log-level", "warn"];
    const loadAverageBefore = loadavg();
    const runs: ScalingRun[] = [];
    for (const count of opts.instances ?? [1, 2, 3]) {
      while (procs.length < count) procs.push(await spawnServe(args));
      log(`scaling: ${count} instance(s) at ${rate} req/s`);
      runs.push(await measure(procs, durationMs, rate, maxInFlight));
    }
    // Each of n instances served rate/n: one instance alone at that rate shows what a request costs
    // a process at that rate, with no other instance to contend with.
    const largest = procs.length;
    log(`scaling control: 1 instance at ${rate / largest} req/s`);
    const control = { ...(await measure(procs.slice(0, 1), durationMs, rate / largest, maxInFlight)), control: true };
    const cpuCount = availableParallelism();
    return {
      name: "scaling",
      cpuCount,
      cpuModel: cpus()[0]?.model ?? "unknown",
      loadAverageBefore,
      runs,
      control,
      note:
        `${rate} req/s offered; ${cpuCount} CPU(s) (load average ${loadAverageBefore.map((l) => l.toFixed(1)).join("/")} before the run) shared by ` +
        `the load generator, ${procs.length} server processes and PostgreSQL`,
    };
  } finally {
    await Promise.all(procs.map(stopServe));
    await db.drop();
  }
}

/** Offers `rate` requests per second (open loop, at most `maxInFlight` at once) and reads each instance's CPU time around it. */
async function measure(procs: ServeProcess[], durationMs: number, rate: number, maxInFlight: number): Promise<ScalingRun> {
  const pools = procs.map((p) => new Pool(p.url, { connections: Math.ceil(maxInFlight / procs.length) }));
  const path = `/v25.0/${DEMO.forms.testDrive}/leads?limit=25&fields=id,created_time,field_data&access_token=${DEMO.pageTokenCars}`;
  const offer = async (ms: number, counting: boolean) => {
    let requests = 0;
    let errors = 0;
    let inFlight = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const pending = new Set<Promise<void>>();
    for (let i = 0; ; i++) {
      const due = started + (i * 1000) / rate;
      if (due - started >= ms) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= maxInFlight) {
        if (counting) errors++;
        continue;
      }
      inFlight++;
      const t = performance.now();
      const p = pools[i % pools.length]!.request({ method: "GET", path })
        .then(
          async (res) => {
            await res.body.text();
            if (!counting) return;
            if (res.statusCode === 200) {
              requests++;
              latencies.push(performance.now() - t);
            } else errors++;
          },
          () => {
            if (counting) errors++;
          },
        )
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    return { requests, errors, seconds: (performance.now() - started) / 1000, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
  };
  try {
    const pids = procs.map((p) => p.proc.pid!);
    // What the instances burn with nothing to do, so a small offered rate is not charged for it.
    const idleStart = pids.map(cpuMsOf);
    const idleFrom = performance.now();
    await new Promise((r) => setTimeout(r, Math.max(2000, durationMs / 5)));
    const idleSeconds = (performance.now() - idleFrom) / 1000;
    const idleCpuMsPerSecond = pids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - idleStart[i]!, 0) / pids.length / idleSeconds;
    await offer(Math.max(1000, durationMs / 4), false);
    const before = pids.map(cpuMsOf);
    const postgresBefore = postgresCpuMs();
    const r = await offer(durationMs, true);
    const cpuMsPerInstance = pids.map((pid, i) => cpuMsOf(pid) - before[i]!);
    const postgresMs = postgresCpuMs() - postgresBefore;
    const total = cpuMsPerInstance.reduce((a, b) => a + b, 0);
    return {
      instances: procs.length,
      offeredPerSecond: rate,
      requests: r.requests,
      errors: r.errors,
      seconds: r.seconds,
      requestsPerSecond: Math.round(r.requests / r.seconds),
      cpuMsPerInstance,
      cpuMsPerRequest: r.requests > 0 ? total / r.requests : 0,
      idleCpuMsPerSecond,
      netCpuMsPerRequest: r.requests > 0 ? Math.max(0, total - idleCpuMsPerSecond * pids.length * r.seconds) / r.requests : 0,
      postgresCpuMsPerRequest: r.requests > 0 ? postgresMs / r.requests : 0,
      p99Ms: Math.round(r.p99Ms),
    };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? d);
  const result = await scalingBenchmark({ durationMs: arg("seconds", 10) * 1000, ratePerSecond: arg("rate", 150) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const r of [...result.runs, result.control]) {
    process.stdout.write(
      `${r.control ? "control: " : ""}${r.instances} instance(s): ${r.requestsPerSecond} req/s of ${r.offeredPerSecond} offered, p99 ${r.p99Ms} ms, ` +
        `CPU ${r.cpuMsPerRequest.toFixed(3)} ms per request (${r.cpuMsPerInstance.map((c) => c.toFixed(0)).join(" + ")} ms), ` +
        `idle ${r.idleCpuMsPerSecond.toFixed(1)} ms/s per instance, net ${r.netCpuMsPerRequest.toFixed(3)} ms per request, PostgreSQL ${r.postgresCpuMsPerRequest.toFixed(3)} ms per request\n`,
    );
  }
}
