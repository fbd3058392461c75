/**
 * Read benchmark: Graph reads per second through real HTTP on one in-process server (lead list
 * pages with field data, and single leads), `concurrency` requests in flight. Any database:
 * a SQLite file unless a PostgreSQL URL is given.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { DEMO } from "../src/world/demo-world.ts";
import { seedDemo } from "../src/world/seed-demo.ts";

export interface ReadBenchOptions {
  databaseUrl?: string;
  leads?: number;
  requests?: number;
  concurrency?: number;
}

export interface ReadBenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export async function runReadBench(opts: ReadBenchOptions = {}): Promise<ReadBenchResult[]> {
  const leads = opts.leads ?? 10_000;
  const requests = opts.requests ?? 2_000;
  const concurrency = opts.concurrency ?? 8;
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-bench-reads-"));
  const runtime = await createRuntime(loadConfig({
    db: join(dir, "bench.db"), ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    secretKey: "bench-secret-key-0123456789", logLevel: "silent", port: 0,
  }));
  const results: ReadBenchResult[] = [];
  try {
    await seedDemo(runtime.services, leads);
    const app = await buildApp(runtime);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const pool = new Pool(url, { connections: concurrency });
    try {
      const list = `/v25.0/${DEMO.forms.testDrive}/leads?limit=25&fields=id,created_time,field_data&access_token=${DEMO.pageTokenCars}`;
      const first = await pool.request({ method: "GET", path: `${list.replace("limit=25", "limit=100")}` });
      const ids = ((await first.body.json()) as { data: { id: string }[] }).data.map((l) => l.id);
      const measure = async (name: string, pathOf: (i: number) => string) => {
        let next = 0;
        let errors = 0;
        const worker = async () => {
          while (next < requests) {
            const i = next++;
            const res = await pool.request({ method: "GET", path: pathOf(i) });
            await res.body.text();
            if (res.statusCode !== 200) errors++;
          }
        };
        const t = performance.now();
        await Promise.all(Array.from({ length: concurrency }, worker));
        const ms = performance.now() - t;
        results.push({ name, value: Math.round((requests * 1000) / ms), unit: "req/s", note: `${leads} leads, ${concurrency} in flight${errors ? `, ${errors} errors` : ""}` });
      };
      await measure("lead list page (25, field_data)", () => list);
      await measure("single lead", (i) => `/v25.0/${ids[i % ids.length]}?access_token=${DEMO.pageTokenCars}`);
    } finally {
      await pool.close();
      await app.close();
    }
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
