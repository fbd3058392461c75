import type { Caller } from "../domain/access/caller.ts";
import type { ObjectKind } from "../domain/ports.ts";
import { errors, type GraphError, isGraphError } from "../domain/errors.ts";
import { selectionFromParam } from "../domain/fields.ts";
import { resolveGraphVersion } from "../domain/graph-versions.ts";
import { isAdAccountId, isGraphId } from "../domain/ids.ts";
import type { Services } from "../domain/services.ts";
import { GraphContext, type NodeRenderer } from "./context.ts";
import { renderNode } from "./graph-node.ts";
import { nodes } from "./nodes/index.ts";
import { stringParam } from "./params.ts";
import { specialPaths } from "./special-paths.ts";
import { runBatch } from "./batch.ts";
import type { GraphExecutor, GraphOptions, GraphRequest } from "./graph-request.ts";
import type { UsageReport } from "../domain/rate-limit/meter.ts";

export type { GraphExecutor, GraphMethod, GraphOptions, GraphRequest, GraphResponse } from "./graph-request.ts";

/** The header Graph reports the version that served a call in; an executor's answer may set it. */
export const VERSION_HEADER = "facebook-api-version";

const renderOfKind: NodeRenderer = (ctx, kind, record, id, selection) => {
  const node = nodes[kind];
  if (!node) throw new Error(`no Graph node serves objects of kind ${kind}`);
  return renderNode(ctx, node, record, id, selection);
};

/** Turns a Graph request into a response. Transport-free: the HTTP route, batch and tests all call it. */
export function createGraphExecutor(services: Services, options: GraphOptions): GraphExecutor {
  const executor: GraphExecutor = {
    async execute(req) {
      const headers: Record<string, string> = {};
      // The configured default serves unversioned paths as it is; a version named in the path is
      // checked against Meta's calendar on the server's clock.
      if (req.version !== options.defaultVersion) {
        const v = resolveGraphVersion(req.version, services.clock.nowMs());
        if (v.kind === "unknown") {
          const err = errors.unknownPath(`/${req.path}`);
          return { status: err.status, body: errorBody(err), headers: {} };
        }
        if (v.upgraded) {
          headers[VERSION_HEADER] = v.served;
          req = { ...req, version: v.served };
        }
      }
      let ctx: GraphContext | undefined;
      try {
        const segments = req.path === "" ? [] : req.path.split("/");
        const special = segments[0] !== undefined && Object.hasOwn(specialPaths, segments[0]) ? specialPaths[segments[0]] : undefined;
        if (special) {
          const res = await special({ services, options, req, segments, executor, authenticate: () => authenticate(services, req) });
          return { status: 200, headers: { ...headers, ...res.headers }, body: res.body };
        }
        if (segments[0] === "me" && !req.token?.trim()) throw errors.noToken();
        const caller = await authenticate(services, req);
        if (segments[0] === "me") {
          // `/me` is the token's user, or its page for page tokens.
          const self = caller.type === "PAGE" ? caller.pageId : caller.userId;
          if (self === null) throw errors.noToken();
          segments[0] = self;
        }
        ctx = new GraphContext(services, caller, req.token!.trim(), req.version, options.publicUrl, req.params, renderOfKind);
        const body = await route(ctx, req, segments, executor);
        return { status: 200, body, headers: { ...headers, ...usageHeaders(ctx) } };
      } catch (e) {
        const err = isGraphError(e) ? e : errors.unknown(e);
        return { status: err.status, body: errorBody(err), headers: { ...headers, ...(ctx ? usageHeaders(ctx) : {}), ...authHeader(err) } };
      }
    },
  };
  return executor;
}

function authenticate(services: Services, req: GraphRequest): Promise<Caller> {
  return services.policy.authenticate({ token: req.token, appsecretProof: req.appsecretProof });
}

async function route(ctx: GraphContext, req: GraphRequest, segments: string[], executor: GraphExecutor): Promise<unknown> {
  if (segments.length === 0) return root(ctx, req, executor);
  if (segments.length > 2) throw errors.unknownPath(`/${segments.slice(2).join("/")}`);
  const [id, edgeName] = segments as [string, string | undefined];
  if (!isGraphId(id) && !isAdAccountId(id)) throw errors.unknownAliases([id]);
  // Leads have no edges: on an edge path, loading the lead row to learn the kind would be wasted.
  const kind = await kindOfObject(ctx, id, edgeName === undefined);
  const node = kind === undefined ? undefined : nodes[kind];
  const method = req.method.toLowerCase() as "get" | "post" | "delete";
  if (!node) throw errors.unknownObject(id, method);
  if (edgeName === undefined) {
    const record = await node.load(ctx, id, method);
    if (req.method === "GET") {
      const selection = selectionFromParam(req.params.fields);
      if (node.beforeRender) await node.beforeRender(ctx, record);
      return renderNode(ctx, node, record, id, selection);
    }
    const op = req.method === "POST" ? node.update : node.remove;
    if (!op) throw errors.unknownObject(id, method);
    return op(ctx, record, req.params);
  }
  const edge = Object.hasOwn(node.edges, edgeName) ? node.edges[edgeName] : undefined;
  if (!edge) throw errors.unknownPath(`/${edgeName}`);
  const record = await node.load(ctx, id, "get");
  if (req.method === "GET") {
    if (!edge.read) throw errors.unsupportedMethod("get", `/${id}/${edgeName}`);
    const { after: _a, before: _b, access_token: _t, ...linkParams } = req.params;
    return edge.read(ctx, record, {
      params: req.params,
      selection: selectionFromParam(req.params.fields),
      linkPath: `${id}/${edgeName}`,
      linkParams,
    });
  }
  const op = req.method === "POST" ? edge.create : edge.remove;
  if (!op) throw errors.unsupportedMethod(req.method, `/${id}/${edgeName}`);
  return op(ctx, record, req.params);
}

/**
 * Leads are by far the most looked-up objects: probing one loads it for the lead node as well.
 * `loadLead: false` only asks the kind (the lead is still probed first, as one table of the kind probe).
 */
async function kindOfObject(ctx: GraphContext, id: string, loadLead = true): Promise<ObjectKind | undefined> {
  if (!isGraphId(id) || !loadLead) return ctx.services.store.directory.kindOf(id);
  if (await ctx.lead(id)) return "lead";
  return ctx.services.store.directory.kindOf(id, { notLead: true });
}

/** `GET /?ids=a,b` (object keyed by id; each id is its own call) and `POST /` with `batch`. */
async function root(ctx: GraphContext, req: GraphRequest, executor: GraphExecutor): Promise<unknown> {
  if (req.method === "POST" && req.params.batch !== undefined) {
    return runBatch(executor, req);
  }
  const idsParam = stringParam(req.params, "ids");
  if (idsParam === undefined) throw errors.unsupportedMethod(req.method, "");
  const ids = [
    ...new Set(
      idsParam
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  if (ids.length === 0) throw errors.invalidParam("Param ids must name at least one object");
  if (ids.length > 50) throw errors.invalidParam("Param ids can name at most 50 objects");
  const missing: string[] = [];
  const found: [string, NonNullable<(typeof nodes)[keyof typeof nodes]>][] = [];
  for (const id of ids) {
    const kind = isGraphId(id) || isAdAccountId(id) ? await kindOfObject(ctx, id) : undefined;
    const node = kind === undefined ? undefined : nodes[kind];
    if (!node) missing.push(id);
    else found.push([id, node]);
  }
  if (missing.length > 0) throw errors.unknownAliases(missing);
  const selection = selectionFromParam(req.params.fields);
  const out: Record<string, unknown> = {};
  for (const [id, node] of found) {
    const record = await node.load(ctx, id, "get");
    if (node.beforeRender) await node.beforeRender(ctx, record);
    out[id] = await renderNode(ctx, node, record, id, selection);
  }
  return out;
}

export function errorBody(err: GraphError): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = { message: err.message, type: err.type, code: err.code };
  if (err.subcode !== undefined) error.error_subcode = err.subcode;
  if (err.isTransient) error.is_transient = true;
  if (err.userTitle !== undefined) error.error_user_title = err.userTitle;
  if (err.userMsg !== undefined) error.error_user_msg = err.userMsg;
  return { error };
}

function authHeader(err: GraphError): Record<string, string> {
  if (err.retryAfter !== undefined) return { "retry-after": String(err.retryAfter) };
  if (!err.authError) return {};
  // The header value is a quoted string: quotes and non-Latin-1 text cannot appear in it.
  const msg = err.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?");
  return { "www-authenticate": `OAuth "Facebook Platform" "${err.authError}" "${msg}"` };
}

function usageHeaders(ctx: GraphContext): Record<string, string> {
  return usageHeadersOf(ctx.usage);
}

/**
 * `X-Business-Use-Case-Usage` keyed by page id with one `leadgen` entry each, and `X-App-Usage`
 * carrying the highest of them (we meter no app-level limit; see docs/rate-limits.md).
 */
export function usageHeadersOf(usage: UsageReport): Record<string, string> {
  if (usage.pages.size === 0) return {};
  const buc: Record<string, unknown[]> = {};
  for (const [pageId, u] of usage.pages) {
    buc[pageId] = [
      {
        type: "leadgen",
        call_count: u.callCount,
        total_cputime: u.totalCputime,
        total_time: u.totalTime,
        estimated_time_to_regain_access: u.estimatedTimeToRegainAccess,
      },
    ];
  }
  const all = [...usage.pages.values()];
  return {
    "x-business-use-case-usage": JSON.stringify(buc),
    "x-app-usage": JSON.stringify({
      call_count: Math.max(...all.map((u) => u.callCount)),
      total_time: Math.max(...all.map((u) => u.totalTime)),
      total_cputime: Math.max(...all.map((u) => u.totalCputime)),
    }),
  };
}
