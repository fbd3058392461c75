import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp } from "../src/http/app.ts";
import { benchDisabled } from "../src/storage/bench-switches.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import type { Config, ConfigInput } from "../src/runtime/config.ts";
import { loadWorld } from "../src/world/load-world.ts";
import type { WorldInput } from "../src/world/world-schema.ts";
import { BENCH_AD, BENCH_FORM, BENCH_PAGE_TOKEN, buildLeads, buildPostgresLeads } from "./build-leads.ts";
import { startListeningProcess } from "./listening-process.ts";
import { keptBenchDatabase } from "./pg-database.ts";

const SCOPES = ["leads_retrieval", "pages_show_list", "pages_read_engagement", "pages_manage_ads", "ads_management"];

const benchWorld: WorldInput = {
  apps: [{ id: "1001", name: "Bench CRM", secret: "bench-secret" }],
  users: [{ id: "2001", name: "Bench Admin" }],
  pages: [{ id: "3001", name: "Bench Page", roles: [{ user_id: "2001", tasks: ["MANAGE", "ADVERTISE"] }] }],
  ad_accounts: [{ id: "act_4001", name: "Bench Ads", users: [{ user_id: "2001", role: "ADVERTISER" }] }],
  campaigns: [{ id: "5001", account_id: "act_4001", name: "Bench campaign" }],
  adsets: [{ id: "6001", campaign_id: "5001", name: "Bench ad set" }],
  forms: [
    {
      id: BENCH_FORM,
      page_id: "3001",
      name: "Bench form",
      created_time: "2026-01-01T00:00:00+0000",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "PHONE" }],
      tracking_parameters: { utm_source: "fb" },
    },
  ],
  ads: [{ id: BENCH_AD, adset_id: "6001", name: "Bench ad", form_id: BENCH_FORM }],
  tokens: [{ token: BENCH_PAGE_TOKEN, type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3001", scopes: SCOPES, expires_at: null }],
};

export type BenchDb = "sqlite" | "postgres";

/** The leadgraph server under test, in its own process (as a deployment runs it), on loopback. */
export interface BenchServer {
  db: BenchDb;
  url: string;
  /** The SQLite file, or the PostgreSQL URL, the server reads. */
  file: string;
  token: string;
  close(): Promise<void>;
}

/** Key material of the PostgreSQL read database (SQLite keeps its key file beside the database). */
const PG_SECRET_KEY = "bench-secret-key-0123456789";

const benchConfig = (file: string) => loadConfig({ db: file, logLevel: "silent", port: 0, adminKey: "bench-admin-key-0000" });

/**
 * Opens (building it first when missing or `fresh`) a SQLite database with `leads` leads on one form,
 * then starts the server in a child process so the load generator and the server do not share a
 * thread. Databases are kept in the temp directory by size, so a second run starts at once.
 */
export async function startBenchServer(
  leads: number,
  opts: { fresh: boolean; log: (s: string) => void; db?: BenchDb },
): Promise<BenchServer> {
  if (opts.db === "postgres") return startPostgresBenchServer(leads, { fresh: opts.fresh, log: opts.log });
  const dir = join(tmpdir(), "leadgraph-bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `leads-${leads}.db`);
  const build = opts.fresh || !existsSync(file);
  if (build) {
    for (const suffix of ["", "-wal", "-shm", ".key"]) rmSync(file + suffix, { force: true });
    const runtime = await createRuntime(benchConfig(file));
    await loadWorld(runtime.services, benchWorld);
    await runtime.close();
    const started = Date.now();
    buildLeads(file, leads, Math.floor(Date.now() / 1000), (done) => opts.log(`  built ${done.toLocaleString("en-US")} leads`));
    opts.log(`built ${leads.toLocaleString("en-US")} leads in ${((Date.now() - started) / 1000).toFixed(1)} s: ${file}`);
  }
  const { url, close } = await startListeningProcess(fileURLToPath(import.meta.url), [file], "bench server");
  return { db: "sqlite", url, file, token: BENCH_PAGE_TOKEN, close };
}

/**
 * The same world and leads on PostgreSQL, in a database kept by size (`lg_bench_leads_<n>`) like
 * the SQLite file, served by a server process with the default pool: the two databases are read
 * with the same data, connections and page sizes.
 */
async function startPostgresBenchServer(leads: number, opts: { fresh: boolean; log: (s: string) => void }): Promise<BenchServer> {
  const kept = await keptBenchDatabase(`lg_bench_leads_${leads}`, opts.fresh);
  const config = {
    databaseUrl: kept.url,
    secretKey: PG_SECRET_KEY,
    logLevel: "silent",
    port: 0,
    adminKey: "bench-admin-key-0000",
  } as const;
  if (kept.created) {
    const runtime = await createRuntime(loadConfig(config));
    await loadWorld(runtime.services, benchWorld);
    await runtime.close();
    const started = Date.now();
    await buildPostgresLeads(kept.url, leads, Math.floor(Date.now() / 1000), (done) =>
      opts.log(`  built ${done.toLocaleString("en-US")} leads`),
    );
    opts.log(`built ${leads.toLocaleString("en-US")} leads on PostgreSQL in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const { url, close } = await startConfiguredServer(config, "bench server (postgres)");
  return { db: "postgres", url, file: kept.url, token: BENCH_PAGE_TOKEN, close };
}

/**
 * A leadgraph server on any configuration (a PostgreSQL URL, a secret key) in its own process, for
 * benchmarks that build their database themselves and measure it as a deployment would serve it.
 */
export function startConfiguredServer(config: ConfigInput, label: string): Promise<{ url: string; close: () => Promise<void> }> {
  return startListeningProcess(fileURLToPath(import.meta.url), ["--config", JSON.stringify(config)], label);
}

/** The child process: serve until told to stop. */
async function serve(config: Config): Promise<void> {
  const runtime = await createRuntime(config);
  const app = await buildApp(runtime);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`listening ${url}\n`);
  process.once("SIGTERM", () => {
    void app
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // A comma-separated list of fast-path mechanisms to turn off (src/storage/bench-switches.ts).
  for (const m of (process.env.LEADGRAPH_BENCH_DISABLE ?? "").split(",")) if (m.trim() !== "") benchDisabled.add(m.trim());
  await serve(process.argv[2] === "--config" ? loadConfig(JSON.parse(process.argv[3]!) as ConfigInput) : benchConfig(process.argv[2]!));
}
