import { errors } from "../domain/errors.ts";
import type { GraphExecutor, GraphRequest } from "./graph-request.ts";
import { boolParam, jsonParam, mergeParams } from "./params.ts";

const MAX_OPS = 50;

/**
 * `POST /` with `batch=[{method, relative_url, body}]`: each operation runs as its own Graph call
 * (and counts as one against rate limits) with the top-level token unless it carries its own.
 * The answer is an array aligned with the input: `{code, headers, body}` with body as JSON text.
 */
export async function runBatch(executor: GraphExecutor, req: GraphRequest): Promise<unknown[]> {
  const ops = jsonParam(req.params, "batch");
  if (!Array.isArray(ops)) throw errors.invalidParam("Param batch must be a JSON array of operations");
  if (ops.length === 0) throw errors.invalidParam("Param batch must contain at least one operation");
  if (ops.length > MAX_OPS) throw errors.invalidParam(`Param batch can contain at most ${MAX_OPS} operations`);
  const includeHeaders = boolParam(req.params, "include_headers") ?? true;
  const out: unknown[] = [];
  for (const [i, op] of ops.entries()) {
    if (typeof op !== "object" || op === null || Array.isArray(op)) throw errors.invalidParam(`batch[${i}] must be an object`);
    const o = op as Record<string, unknown>;
    const method = String(o.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "POST" && method !== "DELETE") {
      throw errors.paramEnum(`batch[${i}][method]`, ["GET", "POST", "DELETE"], method);
    }
    if (typeof o.relative_url !== "string" || o.relative_url === "") throw errors.paramRequired(`batch[${i}][relative_url]`);
    const url = new URL(o.relative_url.replace(/^\/+/, ""), "http://batch.invalid/");
    const query = Object.fromEntries(url.searchParams);
    const body =
      typeof o.body === "string"
        ? Object.fromEntries(new URLSearchParams(o.body))
        : typeof o.body === "object" && o.body !== null
          ? o.body
          : {};
    const params = mergeParams(query, body);
    const path = url.pathname.replace(/^\/+|\/+$/g, "").replace(/^v\d+\.\d+\/?/, "");
    const token = typeof params.access_token === "string" ? params.access_token : req.token;
    const res = await executor.execute({
      method,
      path,
      params,
      version: req.version,
      token,
      appsecretProof: typeof params.appsecret_proof === "string" ? params.appsecret_proof : req.appsecretProof,
      // Operations count against the sender's address too (a batch must not multiply guesses).
      ...(req.clientAddress !== undefined ? { clientAddress: req.clientAddress } : {}),
    });
    const headers = [{ name: "Content-Type", value: "text/javascript; charset=UTF-8" }];
    for (const [name, value] of Object.entries(res.headers)) headers.push({ name, value });
    const item: Record<string, unknown> = { code: res.status };
    if (includeHeaders) item.headers = headers;
    item.body = JSON.stringify(res.body);
    out.push(item);
  }
  return out;
}
