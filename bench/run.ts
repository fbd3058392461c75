/**
 * `npm run bench [-- --db postgres] [--small]`. With `--db postgres` it runs the PostgreSQL suite
 * (bench/postgres-suite.ts); otherwise each SQLite benchmark in turn.
 */
import { runExportBench } from "./export.ts";
import { benchIngest } from "./ingest.ts";
import { runPostgresBenchmarks } from "./postgres-suite.ts";
import { runReadBench } from "./reads.ts";
import { benchWebhooks } from "./webhooks.ts";

const args = process.argv.slice(2);
const dbAt = args.indexOf("--db");
const db = dbAt >= 0 ? args[dbAt + 1] : args.find((a) => a.startsWith("--db="))?.slice(5);
const small = args.includes("--small");
const out = (l: string) => process.stdout.write(`${l}\n`);

if (db === "postgres") {
  await runPostgresBenchmarks({ small });
} else if (db === undefined || db === "sqlite") {
  for (const r of await runReadBench(small ? { leads: 300, requests: 200 } : {})) out(`reads     ${r.name}: ${r.value} ${r.unit}  (${r.note})`);
  for (const r of await benchIngest({ scale: small ? 0.05 : 1 })) out(`ingest    ${r.name}: ${r.leadsPerSecond} leads/s (ratio ${r.ratio.toFixed(2)}, target ≥ ${r.target})`);
  const wh = await benchWebhooks(small ? { rates: [50], seconds: 1, backlog: 500 } : {});
  out(`webhooks  ${JSON.stringify(wh)}`);
  for (const r of await runExportBench(small ? { leads: 2_000, reads: 100 } : {})) out(`export    ${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ""}`);
} else {
  process.stderr.write(`unknown --db ${db}: use sqlite or postgres\n`);
  process.exitCode = 2;
}
