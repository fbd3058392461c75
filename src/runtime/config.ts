import { z } from "zod";
import { allowlistProblem } from "../domain/webhooks/outbound-policy.ts";
import { DEFAULT_MAX_BODY_BYTES } from "../domain/webhooks/payload.ts";

const booleanFlag = z.preprocess((v) => (v === "false" || v === "0" ? false : v === "true" || v === "1" ? true : v), z.boolean());
import { frameAncestorsProblem } from "./frame-ancestors.ts";

/**
 * The one typed configuration. Built at the edge (the CLI merges flags over LEADGRAPH_* env vars),
 * validated at start-up; every option has a documented default (the environment table in docs/deploy.md, from config-docs.ts).
 */
export const configSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default("127.0.0.1"),
  /** SQLite file used when no database URL is given. */
  db: z.string().default("./leadgraph.db"),
  databaseUrl: z
    .string()
    .url()
    .optional()
    .refine((v) => v === undefined || /^postgres(?:ql)?:\/\//i.test(v), {
      message: "leadgraph stores data in SQLite (--db FILE) or PostgreSQL: the URL must start with postgres:// or postgresql://",
    }),
  dbPoolSize: z.coerce.number().int().min(1).max(200).default(10),
  dbStatementTimeoutMs: z.coerce.number().int().min(100).default(30_000),
  world: z.string().optional(),
  demo: z.coerce.boolean().default(false),
  /** Base of absolute paging links; defaults to http://<host>:<port>. */
  publicUrl: z.string().url().optional(),
  graphVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default("v25.0"),
  /** `system`, `manual` or `manual:<unix seconds>`. */
  clock: z
    .string()
    .regex(/^(system|manual(:\d+)?)$/)
    .default("system"),
  /** Admin API key; generated and printed by `serve` when absent. */
  adminKey: z.string().min(16).optional(),
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`; open otherwise (scrapers on a private network). */
  metricsToken: z.string().min(16).optional(),
  /** Key material for encrypting app secrets at rest; a key file next to the database when absent. */
  secretKey: z.string().min(16).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  importBodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  formBodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  maxParams: z.coerce.number().int().min(10).max(100_000).default(1000),
  maxStringLength: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  maxJsonDepth: z.coerce.number().int().min(4).max(1000).default(32),
  dbConnectionTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  dbIdleTimeoutMs: z.coerce.number().int().min(0).default(30_000),
  dbPreparedStatements: booleanFlag.default(true),
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(25_000),
  /** Whether `serve` runs the webhook dispatcher (instances may leave delivery to others). */
  webhookDispatcher: booleanFlag.default(true),
  /** How long new leads are gathered into one POST per app and page before it goes out. */
  webhookLingerMs: z.coerce.number().int().min(0).max(60_000).default(25),
  /** A delivery POST that has not answered within this is a failure (and retried). */
  webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** POSTs in flight at once per instance (each to a different app and page). */
  webhookConcurrency: z.coerce.number().int().min(1).max(256).default(8),
  /** How long an instance owns a claimed batch; a dead instance's batches are taken over after it. Above the timeout. */
  webhookLeaseMs: z.coerce.number().int().min(500).default(60_000),
  /** Longest wait between two looks at the outbox when nothing wakes the dispatcher. */
  webhookPollMs: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Delivery log rows (finished deliveries and attempts) older than this are pruned. */
  webhookLogRetentionHours: z.coerce
    .number()
    .min(1)
    .default(24 * 14),
  /** Failed admin keys (and, apart, failed client_secrets) an address may send per window before it gets 429. */
  authFailureLimit: z.coerce.number().int().min(1).default(20),
  authFailureWindowSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Hosted form submissions per client address per window (all forms together); over it, a friendly 429 page. */
  hostedFormSubmitsPerAddress: z.coerce.number().int().min(1).default(20),
  /** Hosted form submissions per form per window, from every address together. */
  hostedFormSubmitsPerForm: z.coerce.number().int().min(1).default(600),
  hostedFormWindowSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Who may frame the hosted form (CSP frame-ancestors): 'none' (default), or 'self' and origins separated by spaces. */
  hostedFormFrameAncestors: z
    .string()
    .default("'none'")
    .refine((v) => frameAncestorsProblem(v) === undefined, {
      message: "hostedFormFrameAncestors must be 'none', or 'self' and origins like https://www.example.com separated by spaces",
    }),
  /** Disable a subscription after this many hours of continuous failure; 0 = never (default, as Meta for leadgen). */
  webhookAutoDisableHours: z.coerce.number().min(0).default(0),
  /**
   * Whether handshakes and deliveries may go to loopback, private (RFC 1918, CGNAT, ULA),
   * unspecified and reserved addresses. `auto`: yes when `host` (and `publicUrl`, if set) is a
   * loopback address (a local sandbox), no when the server serves a network.
   */
  outboundPrivateNetworks: z.enum(["auto", "allow", "deny"]).default("auto"),
  /** Comma-separated CIDR ranges, addresses and host names (`*.corp.example`) always callable, metadata included. */
  outboundAllow: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? undefined : allowlistProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** Most changes in one delivery POST (Meta's own cap is 1,000). */
  webhookMaxChangesPerPost: z.coerce.number().int().min(1).max(1000).default(1000),
  /** Most bytes in one delivery POST body: below the 100 kB that common receivers accept by default. */
  webhookMaxBodyBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(DEFAULT_MAX_BODY_BYTES),
  /** Interception mode: also act as an HTTPS proxy that answers for graph.facebook.com and the other Meta hosts (docs/intercept.md). */
  intercept: booleanFlag.default(false),
  /** Hosts the interception proxy tunnels to unchanged (every other non-Meta host is refused). */
  interceptAllow: z
    .preprocess((v) => (typeof v === "string" ? v.split(",") : v), z.array(z.string().trim().toLowerCase().min(1)))
    .default([]),
  /** Where the interception certificate authority is kept; beside the SQLite file (or in ./.leadgraph) when absent. */
  interceptCaDir: z.string().optional(),
  /** Leads older than this many days are erased by a scheduled purge; 0 = kept for ever (default). */
  leadRetentionDays: z.coerce.number().int().min(0).default(0),
  /** How often (wall time) each instance looks for leads past the retention period. */
  leadRetentionSweepMs: z.coerce.number().int().min(10).default(600_000),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Reads LEADGRAPH_* variables: LEADGRAPH_PORT, LEADGRAPH_DATABASE_URL, LEADGRAPH_ADMIN_KEY… */
export function configFromEnv(env: Record<string, string | undefined>): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[envNameOf(key)];
    if (v !== undefined && v !== "") out[key] = key === "demo" ? v === "1" || v === "true" : v;
  }
  return out;
}

/** How a person sets `key`: its command-line flag and its variable (`--port / LEADGRAPH_PORT`). */
const settingName = (key: string): string =>
  key === "" ? "configuration" : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} / ${envNameOf(key)}`;

/** ` - got "abc"` for a value a person typed; secrets and long values are not echoed. */
function givenValue(merged: Record<string, unknown>, key: PropertyKey | undefined): string {
  if (typeof key !== "string" || !(key in merged) || /secret|key|token|url|password/i.test(key)) return "";
  const v = merged[key];
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text === undefined || text.length > 80 ? "" : ` - got ${JSON.stringify(text)}`;
}

/** `dbPoolSize` → `LEADGRAPH_DB_POOL_SIZE`. */
export const envNameOf = (key: string): string => `LEADGRAPH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export function loadConfig(...layers: ConfigInput[]): Config {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const msg = parsed.error.issues
      .map(
        (i) =>
          `${settingName(String(i.path[0] ?? ""))}${i.path.length > 1 ? ` (${i.path.slice(1).join(".")})` : ""}: ${i.message}${givenValue(merged, i.path[0])}`,
      )
      .join("; ");
    throw new Error(`invalid configuration: ${msg}`);
  }
  const leaseProblem = webhookLeaseProblem(parsed.data);
  if (leaseProblem) throw new Error(`invalid configuration: ${leaseProblem}`);
  return parsed.data;
}

/**
 * What a claimed batch needs after its POST timed out at worst: recording the outcome. A lease
 * that runs out before then lets another instance send the same batch while every instance is
 * healthy, so the lease must outlast the timeout by this much.
 */
export const leaseMarginMs = (webhookTimeoutMs: number): number => Math.max(1_000, Math.ceil(webhookTimeoutMs / 4));

/** Why the lease and timeout cannot work together, or undefined when they can. */
export function webhookLeaseProblem(c: Pick<Config, "webhookLeaseMs" | "webhookTimeoutMs">): string | undefined {
  const least = c.webhookTimeoutMs + leaseMarginMs(c.webhookTimeoutMs);
  if (c.webhookLeaseMs > least) return undefined;
  return (
    `webhookLeaseMs (LEADGRAPH_WEBHOOK_LEASE_MS=${c.webhookLeaseMs}) must be more than webhookTimeoutMs ` +
    `(LEADGRAPH_WEBHOOK_TIMEOUT_MS=${c.webhookTimeoutMs}) + ${leaseMarginMs(c.webhookTimeoutMs)} ms, i.e. above ${least}: ` +
    "a lease that expires during a slow POST lets another instance send the same batch again"
  );
}
