import type { Config } from "./config.ts";

const POSTGRES_CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused: is PostgreSQL running and listening there?",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS did not answer)",
  ETIMEDOUT: "the connection timed out (a firewall, or the wrong host?)",
  EHOSTUNREACH: "the host is unreachable",
  "28P01": "the password was refused",
  "28000": "the server refused this user (pg_hba.conf)",
  "3D000": "that database does not exist: create it first (createdb)",
  "57P03": "the server is starting up or shutting down: try again in a moment",
};

/**
 * Start-up database errors in words a person can act on: which database kind, where (never the
 * password), which flag or variable names it, and the likely fix. Other errors pass through.
 */
export function explainConnectFailure(config: Pick<Config, "databaseUrl" | "db">, e: unknown): unknown {
  // Storage wraps driver errors (a transient Graph error, say): the driver's own code is further down.
  const root = driverError(e);
  const code = typeof root === "object" && root !== null && "code" in root ? String(root.code) : "";
  const detail = root instanceof Error ? root.message : String(root);
  if (config.databaseUrl) {
    const why = POSTGRES_CAUSES[code];
    if (!why) return e;
    return new Error(
      `cannot connect to PostgreSQL at ${whereOf(config.databaseUrl)} (from --database-url / LEADGRAPH_DATABASE_URL): ${why}`,
      { cause: e },
    );
  }
  if (code === "SQLITE_CANTOPEN" || /unable to open database file|directory does not exist/i.test(detail)) {
    return new Error(`cannot open the SQLite database ${config.db} (from --db / LEADGRAPH_DB): its folder must exist and be writable`, {
      cause: e,
    });
  }
  return e;
}

/** `host:port/database` of a PostgreSQL URL, without user or password. */
function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(an unparseable URL)";
  }
}

/** The innermost error of a cause chain that carries a string code (the driver's), or `e`. */
function driverError(e: unknown): unknown {
  let found: unknown = e;
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 8; cur = cur.cause, depth++) {
    if (typeof (cur as { code?: unknown }).code === "string") found = cur;
  }
  return found;
}
