import { Option, type Command } from "commander";

export interface AdminTarget {
  url: string;
  adminKey: string;
}

/** `--url` and `--admin-key` (LEADGRAPH_URL, LEADGRAPH_ADMIN_KEY) for commands that drive a running server. */
export function withAdminOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--url <url>", "base URL of the running leadgraph server").env("LEADGRAPH_URL").default("http://127.0.0.1:8080"))
    .addOption(new Option("--admin-key <key>", "admin API key").env("LEADGRAPH_ADMIN_KEY"));
}

export function adminTarget(flags: Record<string, unknown>): AdminTarget {
  const adminKey = flags.adminKey;
  if (typeof adminKey !== "string" || adminKey === "")
    throw new Error("the admin key is needed: pass --admin-key or set LEADGRAPH_ADMIN_KEY");
  return { url: String(flags.url).replace(/\/+$/, ""), adminKey };
}

/** One admin API call; Graph-shaped errors become thrown Errors with the server's message. */
export async function adminCall<T = any>(
  t: AdminTarget,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: Record<string, unknown>,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${t.url}/_leadgraph/admin/webhooks${path}`, {
      method,
      headers: { authorization: `Bearer ${t.adminKey}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new Error(`cannot reach ${t.url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`, {
      cause: e,
    });
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  if (!res.ok || json?.error) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

/** Unix seconds from `1700000000`, an ISO date, or a relative `-2h` / `-30m` / `-7d`. */
export function parseTime(v: string, nowSeconds = Math.floor(Date.now() / 1000)): number {
  if (/^\d{1,11}$/.test(v)) return Number(v);
  const rel = /^-(\d+)([smhd])$/.exec(v);
  if (rel) return nowSeconds - Number(rel[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as "s" | "m" | "h" | "d"];
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`not a time: "${v}" (unix seconds, ISO 8601, or -2h/-30m/-7d)`);
  return Math.floor(ms / 1000);
}
