import { readFileSync } from "node:fs";
import { z } from "zod";

const pageSchema = z.object({
  id: z.string().regex(/^\d+$/, "page ids are numeric"),
  /** Page access token for this page; defaults to the top-level accessToken. */
  accessToken: z.string().min(1).optional(),
});

/** Every option of `leadgraph sync`, with its default. */
export const syncConfigSchema = z
  .object({
    /** Pages whose leads are kept. */
    pages: z.array(pageSchema, { error: "give at least one page (--page <id>)" }).min(1, "give at least one page (--page <id>)"),
    /** Token used for pages without their own (a long-lived page token or a system-user token). */
    accessToken: z.string().min(1).optional(),
    /** App id: lets debug_token use the app token `app_id|app_secret`. */
    appId: z.string().optional(),
    /** App secret: webhook signatures and appsecret_proof. Required when webhooks are served. */
    appSecret: z.string().min(1).optional(),
    /** Verify token answered in the subscription handshake. */
    verifyToken: z.string().min(1).optional(),
    baseUrl: z.string().url().default("https://graph.facebook.com"),
    graphVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default("v25.0"),
    /** SQLite file of the sync database (ignored when databaseUrl is set). */
    db: z.string().default("./leadgraph-sync.db"),
    /** PostgreSQL URL of the sync database. */
    databaseUrl: z.string().optional(),
    host: z.string().default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(8787),
    webhookPath: z.string().startsWith("/").default("/webhook"),
    /** Serve the webhook endpoint; false runs reconciliation only. */
    webhooks: z.boolean().default(true),
    /** Seconds between reconciliations. */
    reconcileInterval: z.coerce.number().positive().default(900),
    /** Seconds re-read below each form's high-water mark, for leads committed late. */
    overlap: z.coerce.number().min(0).default(3600),
    /** Rows per leads request. */
    pageSize: z.coerce.number().int().min(1).max(1000).default(100),
    /** Webhook fetches in flight at once. */
    concurrency: z.coerce.number().int().min(1).max(32).default(4),
    /** Usage percentage at which calls are spaced out. */
    slowDownAt: z.coerce.number().min(1).max(100).default(75),
    /** Pause (ms) before each call when usage reaches 100%; shorter pauses from slowDownAt up. */
    maxPauseMs: z.coerce.number().int().min(0).default(10_000),
    /** Longest single wait (ms) for a rate limit or backoff. */
    maxBackoffMs: z.coerce.number().int().min(1).default(300_000),
    /** Retries per Graph call for transient errors and rate limits. */
    maxRetries: z.coerce.number().int().min(0).default(5),
    /** Warn this many days before a token expires. */
    tokenWarnDays: z.coerce.number().min(0).default(7),
    /** Seconds between token checks. */
    tokenCheckInterval: z.coerce.number().positive().default(21_600),
    /** Bearer key protecting the read API (GET /leads, /status); generated on first start when unset. */
    apiKey: z.string().min(16, "--api-key must be at least 16 characters").optional(),
    /** Serve the read API without a key (trusted network only). */
    insecureOpen: z.boolean().default(false),
    /** `host:port` serving the webhook route alone, apart from the read API (the only address to expose). */
    webhookListen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, "--webhook-listen takes host:port, e.g. 0.0.0.0:8788")
      .optional(),
    /** POST each new lead as JSON to this URL. */
    forwardUrl: z.string().url().optional(),
    /** Key of the `X-Leadgraph-Signature-256` HMAC on forwarded leads. */
    forwardSecret: z.string().optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((c, ctx) => {
    if (!c.accessToken && c.pages.some((p) => !p.accessToken))
      ctx.addIssue({ code: "custom", message: "give --access-token or a token per page", path: ["accessToken"] });
    if (c.webhooks && !c.appSecret)
      ctx.addIssue({ code: "custom", message: "webhooks need --app-secret to check signatures (or --no-webhooks)", path: ["appSecret"] });
    if (c.webhooks && !c.verifyToken)
      ctx.addIssue({ code: "custom", message: "webhooks need --verify-token for the handshake (or --no-webhooks)", path: ["verifyToken"] });
    if (c.apiKey && c.insecureOpen)
      ctx.addIssue({ code: "custom", message: "give --api-key or --insecure-open, not both", path: ["insecureOpen"] });
    if (c.webhookListen && !c.webhooks)
      ctx.addIssue({ code: "custom", message: "--webhook-listen needs webhooks (drop --no-webhooks)", path: ["webhookListen"] });
    if (c.forwardUrl && !c.forwardSecret)
      ctx.addIssue({ code: "custom", message: "--forward-url needs --forward-secret to sign what it sends", path: ["forwardSecret"] });
  });

export type SyncConfig = z.infer<typeof syncConfigSchema>;
export type SyncConfigInput = z.input<typeof syncConfigSchema>;

const ENV: Record<string, keyof SyncConfigInput> = {
  LEADGRAPH_SYNC_ACCESS_TOKEN: "accessToken",
  LEADGRAPH_SYNC_APP_ID: "appId",
  LEADGRAPH_SYNC_APP_SECRET: "appSecret",
  LEADGRAPH_SYNC_VERIFY_TOKEN: "verifyToken",
  LEADGRAPH_SYNC_BASE_URL: "baseUrl",
  LEADGRAPH_SYNC_GRAPH_VERSION: "graphVersion",
  LEADGRAPH_SYNC_DB: "db",
  LEADGRAPH_SYNC_DATABASE_URL: "databaseUrl",
  LEADGRAPH_SYNC_HOST: "host",
  LEADGRAPH_SYNC_PORT: "port",
  LEADGRAPH_SYNC_WEBHOOK_PATH: "webhookPath",
  LEADGRAPH_SYNC_RECONCILE_INTERVAL: "reconcileInterval",
  LEADGRAPH_SYNC_OVERLAP: "overlap",
  LEADGRAPH_SYNC_PAGE_SIZE: "pageSize",
  LEADGRAPH_SYNC_CONCURRENCY: "concurrency",
  LEADGRAPH_SYNC_SLOW_DOWN_AT: "slowDownAt",
  LEADGRAPH_SYNC_MAX_BACKOFF_MS: "maxBackoffMs",
  LEADGRAPH_SYNC_MAX_PAUSE_MS: "maxPauseMs",
  LEADGRAPH_SYNC_MAX_RETRIES: "maxRetries",
  LEADGRAPH_SYNC_TOKEN_WARN_DAYS: "tokenWarnDays",
  LEADGRAPH_SYNC_TOKEN_CHECK_INTERVAL: "tokenCheckInterval",
  LEADGRAPH_SYNC_API_KEY: "apiKey",
  LEADGRAPH_SYNC_FORWARD_URL: "forwardUrl",
  LEADGRAPH_SYNC_FORWARD_SECRET: "forwardSecret",
  LEADGRAPH_SYNC_LOG_LEVEL: "logLevel",
  LEADGRAPH_SYNC_WEBHOOK_LISTEN: "webhookListen",
};

/** `LEADGRAPH_SYNC_*` variables; `LEADGRAPH_SYNC_PAGES` is a comma-separated list of page ids. */
export function syncConfigFromEnv(env: Record<string, string | undefined>): Partial<SyncConfigInput> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== "") out[key] = env[name];
  if (env.LEADGRAPH_SYNC_PAGES)
    out.pages = env.LEADGRAPH_SYNC_PAGES.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((id) => ({ id }));
  if (env.LEADGRAPH_SYNC_INSECURE_OPEN !== undefined) out.insecureOpen = /^(1|true|yes|on)$/i.test(env.LEADGRAPH_SYNC_INSECURE_OPEN);
  if (env.LEADGRAPH_SYNC_WEBHOOKS !== undefined) out.webhooks = !/^(0|false|no|off)$/i.test(env.LEADGRAPH_SYNC_WEBHOOKS);
  return out;
}

/** Reads a JSON config file (same keys as the schema). */
export function syncConfigFromFile(path: string): Partial<SyncConfigInput> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Partial<SyncConfigInput>;
  } catch (e) {
    throw new Error(`cannot read sync config file ${path}`, { cause: e });
  }
}

/** Flags win over env, env over the file, the file over defaults. Errors name every bad option. */
export function loadSyncConfig(...layers: Partial<SyncConfigInput>[]): SyncConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  const r = syncConfigSchema.safeParse(merged);
  if (!r.success) {
    throw new Error(`invalid sync configuration: ${r.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}
