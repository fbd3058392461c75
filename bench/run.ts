import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { type BenchFigure, formatFigure } from "./bench-module.ts";
import { startBenchServer } from "./bench-server.ts";
import { benchModules } from "./modules/index.ts";

const USAGE = `usage: npm run bench -- [--leads N] [--only NAME[,NAME]] [--seconds S] [--fresh]
  --leads N     leads in the SQLite database (default 1,000,000; built once, kept in the temp directory)
  --only NAME   run only these benchmarks: ${benchModules.map((m) => m.name).join(", ")}
  --seconds S   duration of each timed loop (default 5)
  --fresh       rebuild the database even when one of that size exists`;

const { values } = parseArgs({
  options: {
    leads: { type: "string", default: "1000000" },
    only: { type: "string" },
    seconds: { type: "string", default: "5" },
    fresh: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const leads = Number(values.leads.replace(/[_,]/g, ""));
const seconds = Number(values.seconds);
if (!Number.isInteger(leads) || leads < 30_000 || !(seconds > 0)) {
  process.stderr.write(`--leads must be an integer >= 30000 and --seconds positive\n${USAGE}\n`);
  process.exit(2);
}
const only = values.only?.split(",").map((s) => s.trim());
const unknown = only?.filter((n) => !benchModules.some((m) => m.name === n)) ?? [];
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}\n${USAGE}\n`);
  process.exit(2);
}
const selected = benchModules.filter((m) => !only || only.includes(m.name));
const log = (line: string) => process.stderr.write(`${line}\n`);

process.stdout.write(`leadgraph benchmarks: ${leads.toLocaleString("en-US")} leads (SQLite), ${seconds} s loops, ` +
  `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model.trim() ?? "unknown"})\n`);
const server = await startBenchServer(leads, { fresh: values.fresh, log });
const figures: BenchFigure[] = [];
try {
  for (const m of selected) {
    log(`running ${m.name}: ${m.description}`);
    for (const f of await m.run({ server, leads, seconds, log })) {
      figures.push(f);
      process.stdout.write(`${formatFigure(f)}\n`);
    }
  }
} finally {
  await server.close();
}
const missed = figures.filter((f) => f.target && !(f.target.op === ">=" ? f.ratio >= f.target.value : f.ratio <= f.target.value));
if (missed.length) log(`${missed.length} figure(s) missed their target`);
