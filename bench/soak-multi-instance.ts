/**
 * `npm run soak` (or `npx tsx bench/soak-multi-instance.ts [--leads N]`): the multi-instance webhook
 * run of test/multi-instance.test.ts at soak scale — three `serve` processes on one PostgreSQL
 * database, 10,000 leads written across them, every one delivered, a second copy only after a failed
 * POST, then a SIGKILLed instance's batches taken over. The suite runs the same test with 1,000
 * leads; this is the long run, kept out of CI. PostgreSQL at LEADGRAPH_TEST_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/test), as for the tests.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { leads: { type: "string", default: "10000" } } });
const leads = Number(values.leads);
if (!Number.isInteger(leads) || leads < 8 || leads % 8 !== 0)
  throw new Error("--leads must be a multiple of 8 (the test writes it in 8 calls)");

const started = Date.now();
const child = spawn("npx", ["vitest", "run", "test/multi-instance.test.ts", "--maxWorkers=1", "-t", "across three instances"], {
  stdio: "inherit",
  // CI set: an unreachable PostgreSQL fails the run instead of skipping the test (a skipped soak is no soak).
  env: { ...process.env, CI: process.env.CI ?? "1", LEADGRAPH_SOAK_LEADS: String(leads) },
});
const code = await new Promise<number>((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(
  `\nsoak: ${leads} leads across three instances: ${code === 0 ? "passed" : "FAILED"} in ${seconds} s (load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")})\n`,
);
process.exit(code);
