import { Option } from "commander";

/** Options shared by commands that talk to a running server over HTTP. */
export const urlOption = () =>
  new Option("--url <url>", "base URL of the running leadgraph server").env("LEADGRAPH_URL").default("http://127.0.0.1:8080");
export const adminKeyOption = () => new Option("--admin-key <key>", "admin API key").env("LEADGRAPH_ADMIN_KEY");

/** Calls the admin API and returns its JSON, or throws the Graph error message it answered. */
export async function adminCall(
  base: string,
  adminKey: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<any> {
  if (!adminKey) throw new Error("the admin key is required: pass --admin-key or set LEADGRAPH_ADMIN_KEY");
  const res = await fetch(new URL(path, withSlash(base)), {
    method,
    headers: { ...headers, authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json: any = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

export const withSlash = (base: string) => (base.endsWith("/") ? base : `${base}/`);
