import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { GraphLeadsClient } from "../src/client/index.ts";
import { ManualClock } from "../src/domain/clock.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadSyncConfig, SyncService } from "../src/sync/index.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { startConfiguredServer } from "./bench-server.ts";
import { startListeningProcess } from "./listening-process.ts";

/** Options of {@link benchSyncCatchUp}. */
export interface SyncBenchOptions {
  /** Leads on the server (the figure: 100,000). */
  leads?: number;
  /** Rows per request for both the raw read and the sync. */
  pageSize?: number;
  /** Progress lines on stderr. */
  log?: (line: string) => void;
  /** Serve from this PostgreSQL database (empty) instead of a SQLite file. */
  databaseUrl?: string;
}

/** One run's numbers. `ratio` = sync / raw (target ≥ 0.5). */
export interface SyncBenchResult {
  leads: number;
  pageSize: number;
  rawLeadsPerSec: number;
  syncLeadsPerSec: number;
  ratio: number;
}

const PAGE_TOKEN = "EAAB-bench-page";

/**
 * Sync catch-up throughput: leads/s reconciled by `leadgraph sync` from an empty SQLite sync
 * database against our server holding `leads` leads, beside the server's raw bulk read rate (the
 * same leads read with the same page size and nothing stored) measured in the same run.
 */
export async function benchSyncCatchUp(opts: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const n = opts.leads ?? 100_000;
  const pageSize = opts.pageSize ?? 100;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-bench-sync-"));
  const now = Math.floor(Date.now() / 1000);
  const file = join(dir, "server.db");
  try {
    // The server's database is built here, then served by a server in its own process, as a sync
    // meets a server in practice (and as the read benchmarks run theirs): the sync's own work and
    // the server's do not share one thread. The key file next to the database is shared with it.
    const serverConfig = opts.databaseUrl
      ? ({ db: file, databaseUrl: opts.databaseUrl, secretKey: "bench-secret-key-0123456789", logLevel: "silent", port: 0 } as const)
      : ({ db: file, logLevel: "silent", port: 0 } as const);
    const runtime = await createRuntime(loadConfig(serverConfig), { clock: new ManualClock(now * 1000) });
    try {
      await loadWorld(runtime.services, {
        apps: [{ id: "1001", name: "Bench", secret: "bench-secret", mode: "live" }],
        users: [{ id: "2001", name: "Bench Admin" }],
        pages: [{ id: "3001", name: "Bench Page", category: "Business", roles: [{ user_id: "2001", tasks: ["MANAGE", "ADVERTISE"] }] }],
        forms: [
          {
            id: "8001",
            page_id: "3001",
            name: "Bench form",
            questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }],
            created_time: now - 30 * 86_400,
          },
        ],
        tokens: [
          {
            token: PAGE_TOKEN,
            type: "PAGE",
            app_id: "1001",
            user_id: "2001",
            page_id: "3001",
            scopes: ["leads_retrieval", "pages_show_list", "pages_read_engagement", "pages_manage_ads", "ads_management"],
            expires_at: null,
          },
        ],
      });
      for (let i = 0; i < n; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
          formId: "8001",
          createdTime: now - 86_400 + Math.floor(((i + j) / n) * 80_000),
          fieldData: [
            { name: "full_name", values: [`Bench ${i + j}`] },
            { name: "email", values: [`b${i + j}@example.com`] },
          ],
        }));
        await runtime.services.intake.create(batch, { source: "admin", fireWebhooks: false });
      }
      // As autovacuum would within the first minute (docs/deploy.md): on the empty table's statistics
      // PostgreSQL sorts the form's every lead for each page instead of reading the page by index.
      if (opts.databaseUrl) await sql`analyze`.execute(runtime.connection.db);
    } finally {
      await runtime.close();
    }
    log(`sync bench: ${n} leads created`);
    const server = opts.databaseUrl
      ? await startConfiguredServer(serverConfig, "sync bench server")
      : await startListeningProcess(fileURLToPath(new URL("./bench-server.ts", import.meta.url)), [file], "sync bench server");
    try {
      const base = server.url;
      const client = new GraphLeadsClient({ accessToken: PAGE_TOKEN, baseUrl: base });
      // Warm the server (JIT, page cache) so the first measurement is not penalised for going first.
      let warm = 0;
      for await (const _ of client.leads("8001", { pageSize })) if (++warm >= Math.min(n, 5000)) break;
      let t = performance.now();
      let raw = 0;
      for await (const _ of client.leads("8001", { pageSize })) raw += 1;
      const rawSec = (performance.now() - t) / 1000;
      if (raw !== n) throw new Error(`raw read saw ${raw} of ${n} leads`);
      log(`sync bench: raw bulk read ${(n / rawSec).toFixed(0)} leads/s`);

      const service = new SyncService(
        loadSyncConfig({
          pages: [{ id: "3001" }],
          accessToken: PAGE_TOKEN,
          baseUrl: base,
          webhooks: false,
          db: join(dir, "sync.db"),
          port: 0,
          pageSize,
          logLevel: "silent",
        }),
        { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
      );
      t = performance.now();
      await service.start();
      const startMs = performance.now() - t;
      while (service.reconciler.last === undefined) await new Promise((r) => setTimeout(r, 20));
      const syncSec = (performance.now() - t) / 1000;
      const stored = await service.store.countLeads();
      await service.stop();
      if (stored !== n) throw new Error(`sync stored ${stored} of ${n} leads`);
      const result: SyncBenchResult = {
        leads: n,
        pageSize,
        rawLeadsPerSec: n / rawSec,
        syncLeadsPerSec: n / syncSec,
        ratio: rawSec / syncSec,
      };
      log(
        `sync bench: catch-up ${result.syncLeadsPerSec.toFixed(0)} leads/s (start-up ${startMs.toFixed(0)} ms included), ratio ${result.ratio.toFixed(2)} (target ≥ 0.5)`,
      );
      return result;
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/sync.ts [leads]` runs it alone until the shared bench harness lists it.
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchSyncCatchUp({ leads: Number(process.argv[2] ?? 100_000) });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
