import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodType } from "zod";
import { accessErrors, errors, isGraphError } from "../domain/errors.ts";
import { formatGraphTime, parseTime } from "../domain/time.ts";
import { errorBody } from "../graph/execute.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { requireAdminKey } from "../http/admin-auth.ts";
import type { Runtime } from "../runtime/runtime.ts";

export const ADMIN_PREFIX = "/_leadgraph/admin";

export interface AdminRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** Absolute URL of this request's path, for `paging.next`. */
  url: string;
  headers: FastifyRequest["headers"];
}

type Handler = (req: AdminRequest) => Promise<unknown>;

/**
 * Registers admin routes: the admin key as preHandler, JSON out, GraphErrors as the Graph envelope,
 * anything else as a logged code-1 error (never a stack trace).
 */
export function adminRouter(app: FastifyInstance, runtime: Runtime, publicUrl: string) {
  const preHandler = requireAdminKey(runtime.adminKey);
  const add = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, handler: Handler) => {
    app.route({
      method, url: `${ADMIN_PREFIX}${path}`, preHandler,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        graphHeaders(reply, runtime.config.graphVersion);
        try {
          const out = await handler({
            params: req.params as Record<string, string>,
            query: Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(Array.isArray(v) ? v[v.length - 1] : v)])),
            body: req.body ?? {},
            url: `${publicUrl}${req.url.split("?")[0]}`,
            headers: req.headers,
          });
          return sendGraph(reply, 200, out, {});
        } catch (e) {
          const err = isGraphError(e) ? e : errors.unknown(e);
          if (!isGraphError(e)) req.log.error({ err: e }, "admin API failure");
          return sendGraph(reply, err.status, errorBody(err), {});
        }
      },
    });
  };
  return {
    get: (p: string, h: Handler) => add("GET", p, h),
    post: (p: string, h: Handler) => add("POST", p, h),
    put: (p: string, h: Handler) => add("PUT", p, h),
    delete: (p: string, h: Handler) => add("DELETE", p, h),
  };
}

/** Validates a body with zod; the first problem becomes `(#100) Param <field> <detail>`. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const res = schema.safeParse(typeof body === "object" && body !== null ? body : {});
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "body";
  let detail = issue.message;
  if (issue.code === "invalid_type" && /received undefined/i.test(issue.message)) detail = "is required";
  else if (issue.code === "unrecognized_keys" && "keys" in issue) {
    throw accessErrors.adminInvalid(issue.keys.join(", "), "is not a known field");
  } else if (issue.code === "invalid_value" && "values" in issue) detail = `must be one of ${(issue.values as unknown[]).join(", ")}`;
  else detail = `is invalid: ${detail}`;
  throw accessErrors.adminInvalid(field, detail);
}

export const DEFAULT_ADMIN_LIMIT = 25;
const MAX_ADMIN_LIMIT = 1000;

/**
 * Paging for admin lists, in the Graph shape. Lists are ordered by id; the cursor is the id of the
 * row at the edge of the page (opaque to clients).
 */
export function pageOf<T>(unsorted: readonly T[], idOf: (r: T) => string, req: AdminRequest, render: (r: T) => unknown) {
  const rows = [...unsorted].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  const rawLimit = req.query.limit;
  let limit = DEFAULT_ADMIN_LIMIT;
  if (rawLimit !== undefined && rawLimit !== "") {
    if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1) throw accessErrors.adminInvalid("limit", `must be a positive integer - got "${rawLimit.slice(0, 20)}"`);
    limit = Math.min(Number(rawLimit), MAX_ADMIN_LIMIT);
  }
  let start = 0;
  const after = req.query.after;
  if (after) {
    const id = Buffer.from(after, "base64url").toString("utf8");
    const i = rows.findIndex((r) => idOf(r) === id);
    if (i < 0 && !rows.some((r) => idOf(r) > id)) start = rows.length;
    else start = i >= 0 ? i + 1 : rows.findIndex((r) => idOf(r) > id);
  }
  const page = rows.slice(start, start + limit);
  const out: { data: unknown[]; paging?: Record<string, unknown> } = { data: page.map(render) };
  if (page.length > 0) {
    const cursor = (r: T) => Buffer.from(idOf(r), "utf8").toString("base64url");
    const paging: Record<string, unknown> = { cursors: { before: cursor(page[0]!), after: cursor(page[page.length - 1]!) } };
    if (start + limit < rows.length) {
      const qs = new URLSearchParams({ ...req.query, limit: String(limit), after: cursor(page[page.length - 1]!) });
      paging.next = `${req.url}?${qs.toString()}`;
    }
    out.paging = paging;
  }
  return out;
}

export const graphTime = (t: number | null): string | null => (t === null ? null : formatGraphTime(t));

/** A time given as Graph datetime or unix seconds. */
export function timeField(field: string, v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const t = parseTime(v);
  if (t === undefined) throw accessErrors.adminInvalid(field, `must be a time such as 2026-11-20T10:00:00+0000 or unix seconds - got ${JSON.stringify(v)}`);
  return t;
}

/** Sends an error when an admin handler refers to something missing. */
export function need<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw accessErrors.adminNotFound(what, id);
  return value;
}

export { graphHeaders };

/** An input field that must name an existing object: `(#100) Param roles.0.user_id names no user with id 9`. */
export function needRef<T>(value: T | undefined, field: string, what: string, id: string): T {
  if (value === undefined) throw accessErrors.adminInvalid(field, `names no ${what} with id ${id}`);
  return value;
}

export const conflict = (detail: string) => accessErrors.adminConflict(detail);
