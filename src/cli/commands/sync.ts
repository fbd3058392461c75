import { createWriteStream } from "node:fs";
import { Command, Option } from "commander";
import type { SyncConfigInput } from "../../sync/index.ts";
import { addSyncErasureCommands } from "./sync-erasure-commands.ts";

// The sync service loads when a command runs, so `leadgraph sync --help` does not load it.
const loadSync = () => import("../../sync/index.ts");

const META_SETUP = `
Meta-side setup (once per app and page):

  1. App: in developers.facebook.com create (or pick) a Business app with the Webhooks and
     Marketing API products. Note its App ID and App Secret (Settings > Basic).
     The app needs leads_retrieval, pages_show_list, pages_read_engagement, pages_manage_ads,
     pages_manage_metadata and ads_management (Advanced Access for pages you do not own).

  2. Long-lived page token: get a user token with those permissions (Graph API Explorer or your
     login flow), exchange it for a long-lived one, then read the page token from it — a page
     token obtained from a long-lived user token does not expire:
       GET /oauth/access_token?grant_type=fb_exchange_token&client_id=APP_ID
           &client_secret=APP_SECRET&fb_exchange_token=SHORT_USER_TOKEN
       GET /me/accounts?fields=id,name,access_token&access_token=LONG_USER_TOKEN
     (A system-user token from Business Settings works too and is the sturdier choice.)
     The person behind the token needs lead access on the page (Leads Access Manager).

  3. Run this service so that Meta reaches the webhook route over HTTPS, and only it: serve the
     webhook alone with --webhook-listen and put a reverse proxy in front of that port only
     (the read API on --port stays on 127.0.0.1):
       leadgraph sync --page PAGE_ID --access-token PAGE_TOKEN --app-id APP_ID \\
         --app-secret APP_SECRET --verify-token SOME_RANDOM_STRING --db ./leads.db \\
         --webhook-listen 127.0.0.1:8788

  4. App subscription (app token APP_ID|APP_SECRET): Meta calls the callback with the verify
     token at once, so the service must be running:
       POST /APP_ID/subscriptions  object=page  fields=leadgen
            callback_url=https://YOUR_HOST/webhook  verify_token=SOME_RANDOM_STRING
     (or App Dashboard > Webhooks > Page > Subscribe to "leadgen").

  5. Page install (page token):
       POST /PAGE_ID/subscribed_apps  subscribed_fields=leadgen

  6. Check: the Lead Ads Testing Tool (developers.facebook.com/tools/lead-ads-testing) creates a
     lead; it appears in GET /leads within seconds. Dropped webhooks are filled in by the
     reconciliation pass (at start and every --reconcile-interval seconds).

Read API: GET /leads?page_id=&form_id=&limit=&after=, GET /leads/:id, GET /status
(Authorization: Bearer API_KEY: --api-key, or the key printed on first start; --insecure-open
serves it without one). Every option also reads LEADGRAPH_SYNC_<NAME>
(e.g. LEADGRAPH_SYNC_ACCESS_TOKEN, LEADGRAPH_SYNC_PAGES=1,2) and --config FILE (JSON, same keys in
camelCase: {"pages":[{"id":"1","accessToken":"…"}],"appSecret":"…"}). Flags > env > file > defaults.
`;

const collect = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

function flagsToConfig(o: Record<string, unknown>): Partial<SyncConfigInput> {
  const out: Record<string, unknown> = {};
  const keys = [
    "accessToken",
    "appId",
    "appSecret",
    "verifyToken",
    "baseUrl",
    "graphVersion",
    "db",
    "databaseUrl",
    "host",
    "port",
    "webhookPath",
    "reconcileInterval",
    "overlap",
    "pageSize",
    "concurrency",
    "slowDownAt",
    "maxPauseMs",
    "maxBackoffMs",
    "maxRetries",
    "tokenWarnDays",
    "tokenCheckInterval",
    "apiKey",
    "forwardUrl",
    "forwardSecret",
    "logLevel",
    "webhookListen",
  ];
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  if (Array.isArray(o.page) && o.page.length > 0) out.pages = (o.page as string[]).map((id) => ({ id }));
  if (o.webhooks === false) out.webhooks = false;
  if (o.insecureOpen === true) out.insecureOpen = true;
  return out;
}

function configFrom(
  { loadSyncConfig, syncConfigFromEnv, syncConfigFromFile }: Awaited<ReturnType<typeof loadSync>>,
  o: Record<string, unknown>,
) {
  const file = typeof o.config === "string" ? syncConfigFromFile(o.config) : {};
  return loadSyncConfig(file, syncConfigFromEnv(process.env), flagsToConfig(o));
}

/** `leadgraph sync` (the service) and `leadgraph sync export`. */
export function syncCommand(): Command {
  const cmd = new Command("sync")
    .description("Keep a database of every lead of some pages: webhooks + reconciliation, rate-limit aware")
    .option("--config <file>", "JSON config file")
    .option("--page <ids>", "page id to keep (repeat or comma-separate)", collect)
    .option("--access-token <token>", "page or system-user token (LEADGRAPH_SYNC_ACCESS_TOKEN)")
    .option("--app-id <id>", "app id (debug_token via the app token)")
    .option("--app-secret <secret>", "app secret: webhook signatures, appsecret_proof")
    .option("--verify-token <token>", "verify token for the webhook handshake")
    .option("--base-url <url>", "Graph base URL (default https://graph.facebook.com)")
    .option("--graph-version <v>", "Graph version (default v25.0, the version leadgraph serves by default)")
    .option("--db <file>", "SQLite file of the sync database (default ./leadgraph-sync.db)")
    .option("--database-url <url>", "PostgreSQL URL of the sync database (instead of --db)")
    .option("--host <host>", "listen address (default 127.0.0.1)")
    .option("--port <port>", "listen port (default 8787; 0 = any)")
    .option("--webhook-path <path>", "webhook path (default /webhook)")
    .option("--no-webhooks", "reconcile only, serve no webhook endpoint")
    .option("--reconcile-interval <s>", "seconds between reconciliations (default 900)")
    .option("--overlap <s>", "seconds re-read below each form's high-water mark (default 3600)")
    .option("--page-size <n>", "leads per request (default 100)")
    .option("--concurrency <n>", "webhook fetches in flight (default 4)")
    .option("--slow-down-at <pct>", "usage % at which calls are spaced out (default 75)")
    .option("--max-pause-ms <ms>", "pause before each call at 100% usage (default 10000)")
    .option("--max-backoff-ms <ms>", "longest single wait on rate limits/backoff (default 300000)")
    .option("--max-retries <n>", "retries per Graph call (default 5)")
    .option("--token-warn-days <d>", "warn this many days before a token expires (default 7)")
    .option("--token-check-interval <s>", "seconds between token checks (default 21600)")
    .option("--api-key <key>", "bearer key protecting the read API (generated and printed once on first start when absent)")
    .option("--insecure-open", "serve the read API (every stored lead) without a key: trusted networks only")
    .option("--webhook-listen <host:port>", "serve the webhook route alone on this address (the only one to expose to Meta)")
    .option("--forward-url <url>", "POST each new lead as JSON here")
    .option("--forward-secret <secret>", "HMAC key of X-Leadgraph-Signature-256 on forwarded leads")
    .option(
      "--wait-for-fix",
      "when no page can sync until a person acts (wrong app secret, dead token, no access), keep running paused instead of exiting 3/4/5 (LEADGRAPH_SYNC_WAIT_FOR_FIX=1)",
    )
    .option("--progress-every <s>", "seconds between a form's catch-up progress lines (default 5)")
    .addOption(new Option("--log-level <level>", "log level").choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"]))
    .addHelpText("after", META_SETUP)
    .action(async (o: Record<string, unknown>) => {
      const sync = await loadSync();
      const { createSyncLog, SyncService } = sync;
      const config = configFrom(sync, o);
      const log = createSyncLog(config.logLevel);
      const waitForFix = o.waitForFix === true || /^(1|true|yes)$/i.test(process.env.LEADGRAPH_SYNC_WAIT_FOR_FIX ?? "");
      const progressEverySeconds = o.progressEvery === undefined ? undefined : Number(o.progressEvery);
      if (progressEverySeconds !== undefined && !(progressEverySeconds > 0 && progressEverySeconds <= 86_400)) {
        throw new Error(`--progress-every must be a positive number of seconds, at most 86400 - got ${String(o.progressEvery)}`);
      }
      const service = new SyncService(config, log, {
        waitForFix,
        ...(progressEverySeconds !== undefined ? { progressEveryMs: progressEverySeconds * 1000 } : {}),
      });
      await service.start();
      process.stdout.write(`leadgraph sync listening on ${service.url}\n`);
      if (service.webhookUrl && service.webhookUrl !== service.url)
        process.stdout.write(`webhook route ${config.webhookPath} served alone on ${service.webhookUrl}\n`);
      if (service.generatedApiKey) {
        process.stdout.write(
          `read API key (generated now and shown only this once; its hash is kept in the sync database): ${service.generatedApiKey}\n` +
            "  send it as Authorization: Bearer <key>; to choose your own, start with --api-key\n",
        );
      } else if (config.insecureOpen)
        process.stdout.write(
          "read API open without a key (--insecure-open): every stored lead is readable by anyone who reaches this port\n",
        );
      const exitCode = await new Promise<number>((resolve) => {
        const stop = (): void => {
          // Everything is durable, so a stop stuck behind a long rate-limit wait may be cut short.
          setTimeout(() => process.exit(0), 10_000).unref();
          resolve(0);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        // Every page needs a person (docs/sync.md, "Exit codes"): exit so a supervisor or a person notices.
        void service.gaveUp.then((g) => resolve(g.exitCode));
      });
      if (exitCode !== 0) setTimeout(() => process.exit(exitCode), 10_000).unref();
      await service.stop();
      process.exitCode = exitCode;
    });

  cmd
    .command("export")
    .description("Write the stored leads as CSV or JSONL")
    .option("--config <file>", "JSON config file (for db/databaseUrl)")
    .option("--db <file>", "SQLite file of the sync database")
    .option("--database-url <url>", "PostgreSQL URL of the sync database")
    .addOption(new Option("--format <format>", "output format").choices(["csv", "jsonl"]).default("jsonl"))
    .option("--out <file>", "output file (default stdout)")
    .option("--page <id>", "only this page")
    .option("--form <id>", "only this form")
    .option("--raw", "CSV cells exactly as stored: do not neutralise formula-like cells (=, +, -, @, tab, CR) with a leading quote")
    .action(
      async (own: {
        config?: string;
        db?: string;
        databaseUrl?: string;
        format: "csv" | "jsonl";
        out?: string;
        page?: string;
        form?: string;
        raw?: boolean;
      }) => {
        const { connectSyncDatabase, exportLeads, migrateSyncDatabase, syncConfigFromEnv, syncConfigFromFile, SyncStore } =
          await loadSync();
        // Options shared with the parent are parsed by it (commander reads parent options anywhere on the line).
        const parent = cmd.opts<{ config?: string; db?: string; databaseUrl?: string; page?: string[] }>();
        const o = {
          ...own,
          config: own.config ?? parent.config,
          db: own.db ?? parent.db,
          databaseUrl: own.databaseUrl ?? parent.databaseUrl,
          page: own.page ?? parent.page?.[0],
        };
        const file = o.config ? syncConfigFromFile(o.config) : {};
        const env = syncConfigFromEnv(process.env);
        const databaseUrl = o.databaseUrl ?? env.databaseUrl ?? file.databaseUrl;
        const db = o.db ?? env.db ?? file.db ?? "./leadgraph-sync.db";
        const conn = connectSyncDatabase(databaseUrl ? { kind: "postgres", url: databaseUrl } : { kind: "sqlite", file: db });
        try {
          await migrateSyncDatabase(conn.db);
          const out = o.out ? createWriteStream(o.out) : process.stdout;
          const n = await exportLeads(
            new SyncStore(conn.db),
            o.format,
            out,
            { ...(o.page ? { pageId: o.page } : {}), ...(o.form ? { formId: o.form } : {}) },
            { raw: o.raw === true },
          );
          if (o.out)
            await new Promise<void>((r, j) => (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? j(e) : r())));
          process.stderr.write(`exported ${n} leads\n`);
        } finally {
          await conn.close();
        }
      },
    );
  addSyncErasureCommands(cmd);
  return cmd;
}
