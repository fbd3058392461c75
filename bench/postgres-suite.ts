/**
 * `npm run bench -- --db postgres`: the read, ingest, webhook and export benchmarks on
 * PostgreSQL, each on a fresh database (LEADGRAPH_BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test, names the server), then the scaling figure (two
 * `serve` processes against one). `--small` runs every part at a tiny size to check it works.
 */
import { availableParallelism } from "node:os";
import { runExportBench } from "./export.ts";
import { benchIngest } from "./ingest.ts";
import { benchPgUrl, freshBenchDatabase } from "./pg-database.ts";
import { runReadBench } from "./reads.ts";
import { scalingBenchmark } from "./scaling.ts";
import { benchWebhooks } from "./webhooks.ts";

export interface SuiteOptions {
  small?: boolean;
  log?: (line: string) => void;
}

export interface SuiteLine {
  bench: string;
  name: string;
  value: number | string;
  unit: string;
  note?: string;
}

async function onFreshDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const db = await freshBenchDatabase();
  try {
    return await run(db.url);
  } finally {
    await db.drop();
  }
}

export async function runPostgresBenchmarks(opts: SuiteOptions = {}): Promise<SuiteLine[]> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const small = opts.small ?? false;
  const lines: SuiteLine[] = [];
  const add = (l: SuiteLine) => {
    lines.push(l);
    log(`${l.bench.padEnd(9)} ${l.name}: ${l.value} ${l.unit}${l.note ? `  (${l.note})` : ""}`);
  };
  log(`PostgreSQL benchmarks against ${new URL(benchPgUrl()).host}, ${availableParallelism()} CPU(s)${small ? ", small sizes" : ""}`);

  for (const r of await onFreshDatabase((databaseUrl) => runReadBench({ databaseUrl, leads: small ? 300 : 10_000, requests: small ? 200 : 2_000 }))) {
    add({ bench: "reads", ...r });
  }
  for (const r of await onFreshDatabase((postgresUrl) => benchIngest({ postgresUrl, scale: small ? 0.05 : 1 }))) {
    add({ bench: "ingest", name: r.name, value: r.leadsPerSecond, unit: "leads/s", note: `raw baseline ${r.baselinePerSecond}/s, ratio ${r.ratio.toFixed(2)} (target ≥ ${r.target})` });
  }
  const wh = await onFreshDatabase((databaseUrl) => benchWebhooks(small ? { databaseUrl, rates: [50], seconds: 1, backlog: 500 } : { databaseUrl }));
  for (const l of wh.latency) add({ bench: "webhooks", name: `latency at ${l.rate} leads/s`, value: `p50 ${l.p50Ms} / p99 ${l.p99Ms} / max ${l.maxMs}`, unit: "ms", note: `${l.leads} leads` });
  add({ bench: "webhooks", name: "backlog throughput", value: wh.throughput.leadsPerSecond, unit: "leads/s", note: `${wh.throughput.leads} leads in ${wh.throughput.posts} POSTs` });
  add({ bench: "webhooks", name: "raw POST baseline", value: wh.baseline.postsPerSecond, unit: "POSTs/s" });
  for (const r of await onFreshDatabase((databaseUrl) => runExportBench({ databaseUrl, leads: small ? 2_000 : 1_000_000, reads: small ? 100 : 2_000 }))) {
    add({ bench: "export", ...r });
  }
  const sc = await scalingBenchmark({ pgAdminUrl: benchPgUrl(), leads: small ? 300 : 10_000, durationMs: small ? 1_500 : 10_000, log });
  add({ bench: "scaling", name: "read throughput, 1 instance", value: sc.one.requestsPerSecond, unit: "req/s", note: `${sc.one.errors} errors` });
  add({ bench: "scaling", name: "read throughput, 2 instances", value: sc.two.requestsPerSecond, unit: "req/s", note: `${sc.two.errors} errors` });
  add({ bench: "scaling", name: "two against one", value: Number(sc.speedup.toFixed(2)), unit: "×", note: sc.note });
  return lines;
}
