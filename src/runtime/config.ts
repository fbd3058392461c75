import { z } from "zod";

/**
 * The one typed configuration. Built at the edge (the CLI merges flags over LEADGRAPH_* env vars),
 * validated at start-up; every option has a documented default (docs/configuration.md).
 */
export const configSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default("127.0.0.1"),
  /** SQLite file used when no database URL is given. */
  db: z.string().default("./leadgraph.db"),
  databaseUrl: z.string().url().optional(),
  dbPoolSize: z.coerce.number().int().min(1).max(200).default(10),
  dbStatementTimeoutMs: z.coerce.number().int().min(100).default(30_000),
  world: z.string().optional(),
  demo: z.coerce.boolean().default(false),
  /** Base of absolute paging links; defaults to http://<host>:<port>. */
  publicUrl: z.string().url().optional(),
  graphVersion: z.string().regex(/^v\d+\.\d+$/).default("v25.0"),
  /** `system`, `manual` or `manual:<unix seconds>`. */
  clock: z.string().regex(/^(system|manual(:\d+)?)$/).default("system"),
  /** Admin API key; generated and printed by `serve` when absent. */
  adminKey: z.string().min(16).optional(),
  /** Key material for encrypting app secrets at rest; a key file next to the database when absent. */
  secretKey: z.string().min(16).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  bodyLimitBytes: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
  dbConnectionTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  dbIdleTimeoutMs: z.coerce.number().int().min(0).default(30_000),
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(25_000),
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
  return out as ConfigInput;
}

/** `dbPoolSize` → `LEADGRAPH_DB_POOL_SIZE`. */
export const envNameOf = (key: string): string => `LEADGRAPH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export function loadConfig(...layers: ConfigInput[]): Config {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${msg}`);
  }
  return parsed.data;
}
