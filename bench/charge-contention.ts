import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bucketOf, windowStartBucket } from "../src/domain/rate-limit/lead-budget.ts";
import type { ChargeRequest } from "../src/domain/rate-limit/usage-store.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import type { BenchDb } from "./bench-server.ts";
import { closedLoopLatencies, quantileMs } from "./load.ts";

export interface ChargeContentionResult {
  instances: number;
  concurrency: number;
  charges: number;
  chargesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Stored rate-limit charges of one page from many callers at once, on two runtimes sharing one
 * database (two instances): what a page with a small budget costs, where every read is charged
 * alone (no blocks). Each charge is the store's real `tryCharge`; every one fits the budget.
 */
export async function benchChargeContention(opts: {
  db: BenchDb;
  databaseUrl?: string;
  instances?: number;
  concurrency?: number;
  seconds?: number;
}): Promise<ChargeContentionResult> {
  const instances = opts.instances ?? 2;
  const concurrency = opts.concurrency ?? 100;
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-charges-"));
  const secretKey = randomBytes(24).toString("hex");
  const target = opts.db === "sqlite" ? { db: join(dir, "charges.db") } : { databaseUrl: opts.databaseUrl };
  const runtimes: Runtime[] = [];
  try {
    for (let i = 0; i < instances; i++) runtimes.push(await createRuntime(loadConfig({ ...target, secretKey, logLevel: "silent" })));
    const request = (): ChargeRequest => {
      const now = Math.floor(Date.now() / 1000);
      return {
        pageId: "3001",
        bucket: bucketOf(now),
        fromBucket: windowStartBucket(now),
        calls: 1,
        now,
        trustBudgetUpTo: 1e12,
        callsPerLead: 4800,
        minLeads: 1,
        leadsFrom: now - 90 * 86_400,
        leadsTo: now,
      };
    };
    const run = (ms: number) =>
      closedLoopLatencies(concurrency, ms, async (w) => {
        if ((await runtimes[w % runtimes.length]!.leadUsage.tryCharge(request())) === undefined) {
          throw new Error("a charge within the budget was refused");
        }
      });
    await run(1000);
    const { latencies, seconds } = await run((opts.seconds ?? 5) * 1000);
    const at = (q: number) => quantileMs(latencies, q);
    return {
      instances,
      concurrency,
      charges: latencies.length,
      chargesPerSecond: Math.round(latencies.length / seconds),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
    };
  } finally {
    await Promise.all(runtimes.map((r) => r.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { freshBenchDatabase } = await import("./pg-database.ts");
  for (const db of ["sqlite", "postgres"] as const) {
    const fresh = db === "postgres" ? await freshBenchDatabase() : undefined;
    try {
      const r = await benchChargeContention({ db, ...(fresh ? { databaseUrl: fresh.url } : {}) });
      process.stdout.write(`${db} ${JSON.stringify(r)}\n`);
    } finally {
      await fresh?.drop();
    }
  }
}
