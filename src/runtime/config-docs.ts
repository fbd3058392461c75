import { z } from "zod";
import { type Config, configSchema, envNameOf } from "./config.ts";

/**
 * One line per configuration option, rendered into the environment variable table of
 * docs/deploy.md by `npm run docs:env` (test/deploy-doc.test.ts fails when the two drift).
 */
export const configDescriptions: Partial<Record<keyof Config, string>> = {
  port: "Port to listen on; `0` picks a free port (printed at start).",
  host: "Address to bind. `0.0.0.0` to accept connections from other hosts (behind a load balancer).",
  db: "SQLite file, used when no database URL is given (one process only).",
  databaseUrl: "PostgreSQL URL (`postgres://user:pass@host:5432/db`). Required to run more than one instance.",
  dbPoolSize: "PostgreSQL connections per instance. Instances × pool size must stay under the server's `max_connections`.",
  dbStatementTimeoutMs: "PostgreSQL `statement_timeout` for every query, in milliseconds.",
  dbConnectionTimeoutMs: "How long a query waits to get a pool connection (or open a new one) before failing, in milliseconds.",
  dbPreparedStatements:
    "Run repeated queries as PostgreSQL prepared statements (parsed and planned once per connection). Set `false` behind a pooler that shares one server connection among clients, such as PgBouncer before 1.21 in transaction mode.",
  dbIdleTimeoutMs: "An idle pool connection is closed after this many milliseconds (`0`: never).",
  world: "World file (JSON) loaded at start, in one transaction.",
  demo: "Seed the demo world (`1`/`true`) and print how to use it.",
  publicUrl:
    "Base of absolute paging links (`paging.next`): the URL clients use, i.e. the load balancer's. Defaults to `http://<host>:<port>`.",
  graphVersion: "Graph API version reported for unversioned paths.",
  clock: "`system`, `manual` or `manual:<unix seconds>` (a controllable clock for tests).",
  adminKey: "Admin API key. When absent, one is generated on first start, sealed in the database and printed once.",
  metricsToken: "Bearer token /metrics requires. When absent, /metrics is open to whoever reaches the port (keep it on a private network).",
  secretKey:
    "Key material that seals app secrets and the admin key in the database. Every instance on one database must have the same value. Without it, a key file is created in `./.leadgraph/` (PostgreSQL) or beside the SQLite file.",
  logLevel:
    "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Logs go to stderr: JSON lines, or one readable line per event on a terminal.",
  bodyLimitBytes: "Largest body of a Graph call or an administration API request, in bytes (over it: 413).",
  importBodyLimitBytes:
    "Largest body of `POST /_leadgraph/admin/forms/{id}/leads` (up to 10,000 leads a call), in bytes. The admin key is checked before the body is read.",
  formBodyLimitBytes: "Largest body posted to a hosted form `/forms/{id}`, in bytes.",
  maxParams: "Most parameters in a query string, and in a body, of any request (over it: 400, before any authentication).",
  maxStringLength: "Longest parameter value, and longest string in a JSON body, in characters.",
  maxJsonDepth: "Deepest nesting of arrays and objects in a JSON body.",
  shutdownTimeoutMs: "On SIGTERM, how long to wait for in-flight work before exiting with status 1, in milliseconds.",
  webhookDispatcher: "Whether this instance delivers leadgen webhooks (`false` leaves delivery to other instances).",
  webhookLingerMs: "How long the dispatcher gathers new leads of one app and page into one POST, in milliseconds.",
  authFailureLimit:
    "Wrong admin keys (and, counted apart, wrong `client_secret`s on `oauth/access_token`) one client address may send per window; past it every attempt from that address gets 429 with `Retry-After` until the window ends. Counted in the database, so shared by every instance.",
  authFailureWindowSeconds: "Length of the failed-credential window, in seconds.",
  hostedFormSubmitsPerAddress:
    "Hosted form submissions one client address may make per window, all forms together; past it the person sees a page asking to wait (429).",
  hostedFormSubmitsPerForm: "Hosted form submissions one form accepts per window from every address together.",
  hostedFormWindowSeconds: "Length of the hosted form submission window, in seconds.",
  hostedFormFrameAncestors:
    "Who may show the hosted form in a frame (CSP `frame-ancestors`): `'none'`, or `'self'` and origins separated by spaces (`'self' https://www.example.com`).",
  webhookTimeoutMs: "How long a receiver may take to answer a delivery before it counts as failed, in milliseconds.",
  webhookConcurrency: "Deliveries in flight at once per instance.",
  webhookLeaseMs:
    "How long a claimed batch stays with its instance; a dead instance's batches are taken over after this, in milliseconds. Must be more than `LEADGRAPH_WEBHOOK_TIMEOUT_MS` + max(1000, timeout / 4), or `serve` refuses to start.",
  webhookPollMs: "How often the dispatcher looks for due retries when nothing woke it, in milliseconds.",
  webhookLogRetentionHours: "Finished deliveries and their attempts older than this are pruned from the delivery log, in hours.",
  webhookAutoDisableHours: "Disable a subscription after this many hours of continuous failure (`0`: never, the default).",
  outboundPrivateNetworks:
    "`auto`, `allow` or `deny`: whether handshakes and deliveries may go to loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), unspecified and reserved addresses. `auto` allows them when `LEADGRAPH_HOST` is a loopback address and `LEADGRAPH_PUBLIC_URL` (if set) names a loopback host too (a local sandbox), and refuses them otherwise. Link-local and cloud metadata addresses are refused whatever this says (see docs/webhooks.md, Outbound policy).",
  outboundAllow:
    "Comma-separated CIDR ranges, addresses and host names (`10.1.0.0/16,hooks.internal,*.corp.example`) handshakes and deliveries may always reach, whatever the rules above say (metadata addresses included, so list only what you mean).",
  webhookMaxChangesPerPost: "Most changes (leads) in one webhook POST; a burst goes out as several POSTs.",
  webhookMaxBodyBytes:
    "Most bytes in one webhook POST body (default 64 KiB, under the 100 kB that `express.json()` and Meta's sample receiver accept).",
  intercept:
    "Interception mode: the server also acts as an HTTPS proxy (`HTTPS_PROXY`) answering for graph.facebook.com, www.facebook.com and graph-video.facebook.com (docs/intercept.md).",
  interceptAllow: "Comma-separated hosts the interception proxy tunnels to unchanged; every other non-Meta host is refused.",
  interceptCaDir:
    "Directory of the interception certificate authority (`leadgraph-ca.pem`, `leadgraph-ca.key`); beside the SQLite file, or `./.leadgraph` with PostgreSQL, when absent.",
  leadRetentionDays:
    "Erase leads created more than this many days ago (by the product clock), with an audit record (`0`: keep them for ever, the default). See docs/data-protection.md.",
  leadRetentionSweepMs:
    "How often each instance runs the retention purge, in milliseconds (only with `LEADGRAPH_LEAD_RETENTION_DAYS` above 0).",
};

interface JsonProp {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  format?: string;
}

/** The markdown table of every LEADGRAPH_* variable, straight from the config schema. */
export function envTableMarkdown(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, JsonProp> };
  const rows = Object.keys(configSchema.shape).map((key) => {
    const p = schema.properties[key] ?? {};
    const type = p.enum ? "enum" : p.format === "uri" ? "URL" : (p.type ?? "string");
    // A default behind a preprocess (the boolean flags) is not in the JSON schema: ask the field itself.
    const parsed = configSchema.shape[key as keyof typeof configSchema.shape].safeParse(undefined);
    const fallback = p.default ?? (parsed.success ? parsed.data : undefined);
    const shown = Array.isArray(fallback) ? fallback.join(",") : fallback;
    const def = shown === undefined || shown === "" ? "—" : `\`${String(shown)}\``;
    const desc = configDescriptions[key as keyof Config] ?? "(undocumented)";
    return `| \`${envNameOf(key)}\` | ${type} | ${def} | ${desc.replaceAll("|", "\\|")} |`;
  });
  return ["| variable | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

export const ENV_TABLE_START = "<!-- env-table:start (generated by `npm run docs:env`; do not edit by hand) -->";
export const ENV_TABLE_END = "<!-- env-table:end -->";

/** `doc` with the text between the markers replaced by the current table. */
export function withEnvTable(doc: string): string {
  const start = doc.indexOf(ENV_TABLE_START);
  const end = doc.indexOf(ENV_TABLE_END);
  if (start < 0 || end < start) throw new Error("docs/deploy.md has no env-table markers");
  return `${doc.slice(0, start + ENV_TABLE_START.length)}\n${envTableMarkdown()}\n${doc.slice(end)}`;
}
