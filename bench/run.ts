/**
 * `npm run bench`: the read benchmarks (bench/modules) on a database of --leads leads, then the
 * ingest, webhook, export and sync benchmarks, each printing figures beside a baseline measured in
 * the same run. `--db postgres` runs the very same benchmarks (same data size, connections and page
 * sizes) on PostgreSQL (LEADGRAPH_BENCH_PG_URL), plus the scaling figure; `--db both` runs SQLite
 * then PostgreSQL and prints each figure side by side with the PostgreSQL/SQLite ratio.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type BenchFigure, formatFigure } from "./bench-module.ts";
import { type BenchDb, startBenchServer } from "./bench-server.ts";
import { benchChargeContention } from "./charge-contention.ts";
import { runExportBench } from "./export.ts";
import { benchHotPage } from "./hot-page.ts";
import { benchIngest } from "./ingest.ts";
import { benchModules } from "./modules/index.ts";
import { benchPackages } from "./packages.ts";
import { benchPgUrl, freshBenchDatabase } from "./pg-database.ts";
import { scalingBenchmark } from "./scaling.ts";
import { benchSyncCatchUp } from "./sync.ts";
import { benchWebhooks } from "./webhooks.ts";

const out = (line: string) => process.stdout.write(`${line}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** One printed figure: `key` names it the same way on both databases, for the side-by-side table. */
interface Line {
  key: string;
  value: number;
  unit: string;
  text: string;
}

/** Runs `run` on an empty database of the kind: a temp SQLite file (the benchmark's own) or a fresh PostgreSQL database. */
async function onEmpty<T>(db: BenchDb, run: (databaseUrl: string | undefined) => Promise<T>): Promise<T> {
  if (db === "sqlite") return run(undefined);
  const fresh = await freshBenchDatabase();
  try {
    return await run(fresh.url);
  } finally {
    await fresh.drop();
  }
}

/** Benchmarks that build their own world (no shared read database), each on an empty database. */
const standalone: { name: string; dbs: readonly BenchDb[]; run: (small: boolean, db: BenchDb) => Promise<Line[]> }[] = [
  {
    name: "ingest",
    dbs: ["sqlite", "postgres"],
    run: (small, db) =>
      onEmpty(db, async (postgresUrl) =>
        (await benchIngest({ scale: small ? 0.05 : 1, ...(postgresUrl ? { postgresUrl } : {}) })).map((r) => ({
          key: `ingest ${r.name}`,
          value: r.leadsPerSecond,
          unit: "leads/s",
          text: `ingest ${r.name}: ${r.leadsPerSecond} leads/s (ratio ${r.ratio.toFixed(2)} vs raw ${r.baselinePerSecond}/s, target >= ${r.target}${r.leadsPerCommit ? `; ${r.leadsPerCommit.toFixed(1)} leads per fsync` : ""})`,
        })),
      ),
  },
  {
    name: "webhooks",
    dbs: ["sqlite", "postgres"],
    run: (small, db) =>
      onEmpty(db, async (databaseUrl) => {
        const wh = await benchWebhooks({
          ...(small ? { rates: [50], seconds: 1, backlog: 500 } : {}),
          ...(databaseUrl ? { databaseUrl } : {}),
        });
        return [
          ...wh.latency.map((l) => ({
            key: `webhook p99 at ${l.rate} leads/s`,
            value: l.p99Ms,
            unit: "ms",
            text: `webhooks at ${l.rate} leads/s: p50 ${l.p50Ms} / p99 ${l.p99Ms} / max ${l.maxMs} ms (${l.leads} leads)`,
          })),
          {
            key: "webhook backlog throughput",
            value: wh.throughput.leadsPerSecond,
            unit: "leads/s",
            text: `webhooks backlog: ${wh.throughput.leadsPerSecond} leads/s (${wh.throughput.leads} leads in ${wh.throughput.posts} POSTs; raw POST baseline ${wh.baseline.postsPerSecond} POSTs/s)`,
          },
        ];
      }),
  },
  {
    name: "export",
    dbs: ["sqlite", "postgres"],
    run: (small, db) =>
      onEmpty(db, async (databaseUrl) =>
        (await runExportBench({ ...(small ? { leads: 2_000, reads: 100 } : {}), ...(databaseUrl ? { databaseUrl } : {}) })).map((r) => ({
          key: `export ${r.name.replace(/ (SQLite|PostgreSQL) /, " ")}`,
          value: Number(r.value),
          unit: r.unit,
          text: `export ${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ""}`,
        })),
      ),
  },
  {
    name: "packages",
    dbs: ["sqlite"],
    run: async () => (await benchPackages(log)).map((text) => ({ key: text, value: Number.NaN, unit: "", text })),
  },
  {
    name: "sync",
    dbs: ["sqlite", "postgres"],
    run: (small, db) =>
      onEmpty(db, async (databaseUrl) => {
        const r = await benchSyncCatchUp({ leads: small ? 2_000 : 100_000, log, ...(databaseUrl ? { databaseUrl } : {}) });
        return [
          {
            key: "sync catch-up",
            value: Math.round(r.syncLeadsPerSec),
            unit: "leads/s",
            text: `sync catch-up: ${Math.round(r.syncLeadsPerSec)} leads/s (ratio ${r.ratio.toFixed(2)} vs raw bulk read ${Math.round(r.rawLeadsPerSec)} leads/s, ${r.leads} leads, target >= 0.50)`,
          },
        ];
      }),
  },
  {
    name: "hot-page",
    dbs: ["sqlite", "postgres"],
    run: async (small, db) => {
      const out: Line[] = [];
      // PostgreSQL also with two instances: their charges of the page meet at its counter.
      for (const instances of db === "postgres" ? [1, 2] : [1]) {
        const r = await onEmpty(db, (databaseUrl) =>
          benchHotPage({ db, instances, seconds: small ? 1 : 5, ...(databaseUrl ? { databaseUrl } : {}) }),
        );
        const over = instances > 1 ? ` over ${instances} instances` : "";
        out.push({
          key: `hot page p99, ${r.connections} connections${over}`,
          value: r.p99Ms,
          unit: "ms",
          text:
            `hot page, ${r.connections} connections${over}: p50 ${r.p50Ms} / p99 ${r.p99Ms} / max ${r.maxMs} ms, ` +
            `${r.requestsPerSecond} req/s (GET /{lead-id} of one page with a small budget, charged in small blocks)`,
        });
      }
      return out;
    },
  },
  {
    name: "charges",
    dbs: ["sqlite", "postgres"],
    run: (small, db) =>
      onEmpty(db, async (databaseUrl) => {
        const r = await benchChargeContention({ db, seconds: small ? 1 : 5, ...(databaseUrl ? { databaseUrl } : {}) });
        return [
          {
            key: "rate-limit charges of one page",
            value: r.chargesPerSecond,
            unit: "charges/s",
            text:
              `rate-limit charges of one page, ${r.concurrency} callers on ${r.instances} instances: ${r.chargesPerSecond} charges/s, ` +
              `p50 ${r.p50Ms} / p99 ${r.p99Ms} ms (every read of a small page is one)`,
          },
        ];
      }),
  },
  {
    name: "scaling",
    dbs: ["postgres"],
    run: async (small) => {
      const sc = await scalingBenchmark({ pgAdminUrl: benchPgUrl(), leads: small ? 300 : 10_000, durationMs: small ? 1_500 : 10_000, log });
      return [
        ...[...sc.runs, sc.control].map((r) => ({
          key: r.control ? "scaling control, 1 instance" : `scaling, ${r.instances} instance(s)`,
          value: r.netCpuMsPerRequest,
          unit: "ms CPU/request",
          text:
            `scaling ${r.control ? "control, " : ""}${r.instances} instance(s): ${r.requestsPerSecond} req/s offered ${r.offeredPerSecond}/s, ${r.errors} errors, ` +
            `CPU per request ${r.cpuMsPerRequest.toFixed(3)} ms, ${r.netCpuMsPerRequest.toFixed(3)} ms net of idle (${r.idleCpuMsPerSecond.toFixed(1)} ms/s per idle instance; ` +
            `per instance ${r.cpuMsPerInstance.map((c) => c.toFixed(0)).join("/")} ms over ${r.seconds.toFixed(1)} s), PostgreSQL ${r.postgresCpuMsPerRequest.toFixed(3)} ms per request`,
        })),
        { key: "scaling note", value: Number.NaN, unit: "", text: `scaling: ${sc.note}` },
      ];
    },
  },
];
const allNames = [...benchModules.map((m) => m.name), ...standalone.map((s) => s.name)];

const USAGE = `usage: npm run bench -- [--db sqlite|postgres|both] [--leads N] [--only NAME[,NAME]] [--seconds S] [--fresh] [--small]
  --db          sqlite (default), postgres (LEADGRAPH_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
                or both: every figure on each, side by side with the PostgreSQL/SQLite ratio
  --leads N     leads in the read database (default 1,000,000; built once, kept: a file in the temp directory,
                a database lg_bench_leads_N on PostgreSQL)
  --only NAME   run only these benchmarks: ${allNames.join(", ")}
  --seconds S   duration of each timed loop (default 5)
  --fresh       rebuild the read database even when one of that size exists
  --small       small sizes for the standalone benchmarks (a smoke run)`;

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    leads: { type: "string", default: "1000000" },
    only: { type: "string" },
    seconds: { type: "string", default: "5" },
    fresh: { type: "boolean", default: false },
    small: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  out(USAGE);
  process.exit(0);
}
const dbs: BenchDb[] | undefined =
  values.db === "both" ? ["sqlite", "postgres"] : values.db === "sqlite" || values.db === "postgres" ? [values.db] : undefined;
if (!dbs) {
  log(`unknown --db ${values.db}\n${USAGE}`);
  process.exit(2);
}
const leads = Number(values.leads.replace(/[_,]/g, ""));
const seconds = Number(values.seconds);
if (!Number.isInteger(leads) || leads < 30_000 || !(seconds > 0)) {
  log(`--leads must be an integer >= 30000 and --seconds positive\n${USAGE}`);
  process.exit(2);
}
const only = values.only?.split(",").map((s) => s.trim());
const unknown = only?.filter((n) => !allNames.includes(n)) ?? [];
if (unknown.length) {
  log(`unknown benchmark(s): ${unknown.join(", ")}\n${USAGE}`);
  process.exit(2);
}
const selected = benchModules.filter((m) => !only || only.includes(m.name));
out(
  `leadgraph benchmarks: ${leads.toLocaleString("en-US")} leads (${dbs.join(" and ")}), ${seconds} s loops, node ${process.version}, ` +
    `${cpus().length} cpus (${cpus()[0]?.model.trim() ?? "unknown"}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
);
const figures: BenchFigure[] = [];
const lines = new Map<BenchDb, Line[]>();
for (const db of dbs) {
  const mine: Line[] = [];
  lines.set(db, mine);
  const label = dbs.length > 1 ? `[${db}] ` : "";
  if (selected.length > 0) {
    const server = await startBenchServer(leads, { fresh: values.fresh, log, db });
    try {
      for (const m of selected) {
        log(`running ${m.name} on ${db}: ${m.description}`);
        for (const f of await m.run({ server, leads, seconds, log })) {
          figures.push(f);
          mine.push({ key: f.name, value: f.value, unit: f.unit, text: formatFigure(f) });
          out(`${label}${formatFigure(f)}  [load ${loadavg()[0]!.toFixed(1)}]`);
        }
      }
    } finally {
      await server.close();
    }
  }
  for (const s of standalone.filter((x) => (!only || only.includes(x.name)) && x.dbs.includes(db))) {
    log(`running ${s.name} on ${db}`);
    for (const line of await s.run(values.small, db)) {
      mine.push(line);
      out(`${label}${line.text}  [load ${loadavg()[0]!.toFixed(1)}]`);
    }
  }
}
if (dbs.length > 1) {
  const sqlite = new Map((lines.get("sqlite") ?? []).map((l) => [l.key, l]));
  out("\n| figure | SQLite | PostgreSQL | PostgreSQL/SQLite |\n|---|---|---|---|");
  const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2));
  for (const p of lines.get("postgres") ?? []) {
    const s = sqlite.get(p.key);
    if (!s || !Number.isFinite(p.value) || !Number.isFinite(s.value) || s.value === 0) continue;
    out(`| ${p.key} | ${num(s.value)} ${s.unit} | ${num(p.value)} ${p.unit} | ${(p.value / s.value).toFixed(2)} |`);
  }
}
const missed = figures.filter((f) => f.target && !(f.target.op === ">=" ? f.ratio >= f.target.value : f.ratio <= f.target.value));
if (missed.length) log(`${missed.length} read figure(s) missed their target`);
