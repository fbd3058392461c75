/**
 * `npm run bench`: the read benchmarks (bench/modules) on a SQLite database of --leads leads, then
 * the ingest, webhook, export and sync benchmarks, each printing figures beside a baseline measured
 * in the same run. `--db postgres` runs the PostgreSQL suite (bench/postgres-suite.ts) instead.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type BenchFigure, formatFigure } from "./bench-module.ts";
import { startBenchServer } from "./bench-server.ts";
import { runExportBench } from "./export.ts";
import { benchIngest } from "./ingest.ts";
import { benchModules } from "./modules/index.ts";
import { benchPackages } from "./packages.ts";
import { runPostgresBenchmarks } from "./postgres-suite.ts";
import { benchSyncCatchUp } from "./sync.ts";
import { benchWebhooks } from "./webhooks.ts";

const out = (line: string) => process.stdout.write(`${line}\n`);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Benchmarks that build their own world (no shared read database). */
const standalone: { name: string; run: (small: boolean) => Promise<string[]> }[] = [
  {
    name: "ingest",
    run: async (small) => (await benchIngest({ scale: small ? 0.05 : 1 })).map((r) =>
      `ingest ${r.name}: ${r.leadsPerSecond} leads/s (ratio ${r.ratio.toFixed(2)}, target >= ${r.target}${r.leadsPerCommit ? `; ${r.leadsPerCommit.toFixed(1)} leads per fsync` : ""})`),
  },
  {
    name: "webhooks",
    run: async (small) => [`webhooks: ${JSON.stringify(await benchWebhooks(small ? { rates: [50], seconds: 1, backlog: 500 } : {}))}`],
  },
  {
    name: "export",
    run: async (small) => (await runExportBench(small ? { leads: 2_000, reads: 100 } : {})).map((r) =>
      `export ${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ""}`),
  },
  {
    name: "packages",
    run: async () => benchPackages(log),
  },
  {
    name: "sync",
    run: async (small) => {
      const r = await benchSyncCatchUp({ leads: small ? 2_000 : 100_000, log });
      return [`sync catch-up: ${Math.round(r.syncLeadsPerSec)} leads/s (ratio ${r.ratio.toFixed(2)} vs raw bulk read ${Math.round(r.rawLeadsPerSec)} leads/s, ${r.leads} leads, target >= 0.50)`];
    },
  },
];
const allNames = [...benchModules.map((m) => m.name), ...standalone.map((s) => s.name)];

const USAGE = `usage: npm run bench -- [--db sqlite|postgres] [--leads N] [--only NAME[,NAME]] [--seconds S] [--fresh] [--small]
  --db          sqlite (default) or postgres (LEADGRAPH_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
  --leads N     leads in the SQLite read database (default 1,000,000; built once, kept in the temp directory)
  --only NAME   run only these benchmarks: ${allNames.join(", ")}
  --seconds S   duration of each timed loop (default 5)
  --fresh       rebuild the read database even when one of that size exists
  --small       small sizes for the standalone benchmarks and the PostgreSQL suite (a smoke run)`;

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
if (values.db === "postgres") {
  await runPostgresBenchmarks({ small: values.small });
  process.exit(0);
}
if (values.db !== "sqlite") {
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
out(`leadgraph benchmarks: ${leads.toLocaleString("en-US")} leads (SQLite), ${seconds} s loops, node ${process.version}, ` +
  `${cpus().length} cpus (${cpus()[0]?.model.trim() ?? "unknown"}), load average ${loadavg()[0]!.toFixed(1)}`);
const figures: BenchFigure[] = [];
if (selected.length > 0) {
  const server = await startBenchServer(leads, { fresh: values.fresh, log });
  try {
    for (const m of selected) {
      log(`running ${m.name}: ${m.description}`);
      for (const f of await m.run({ server, leads, seconds, log })) {
        figures.push(f);
        out(formatFigure(f));
      }
    }
  } finally {
    await server.close();
  }
}
for (const s of standalone.filter((x) => !only || only.includes(x.name))) {
  log(`running ${s.name}`);
  for (const line of await s.run(values.small)) out(line);
}
const missed = figures.filter((f) => f.target && !(f.target.op === ">=" ? f.ratio >= f.target.value : f.ratio <= f.target.value));
if (missed.length) log(`${missed.length} read figure(s) missed their target`);
