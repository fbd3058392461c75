import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { accessErrors } from "../domain/errors.ts";
import { formatGraphTime, parseTime } from "../domain/time.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { type ModuleOptions, requireAdminKey } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { AdminCall, AdminRouteSpec } from "./admin-spec.ts";

export const ADMIN_PREFIX = "/_leadgraph/admin";

/** A route's implementation: the parsed request in, the answer (as its response schema reads it) out. */
export type AdminHandler<S extends AdminRouteSpec> = (call: AdminCall<S>) => Promise<z.input<S["response"]>>;

declare module "fastify" {
  interface FastifyInstance {
    /** Every admin route registered on this app, for the OpenAPI document. */
    leadgraphAdminRoutes?: AdminRouteSpec[];
  }
}

/** The admin routes registered on `app` so far. */
export const registeredAdminRoutes = (app: FastifyInstance): readonly AdminRouteSpec[] => app.leadgraphAdminRoutes ?? [];

/**
 * The one way to add an admin route: `const add = adminRoutes(app, runtime, links); add(spec, handler)`.
 * The admin key is checked first; params, query and body are parsed with the spec's schemas (the
 * first problem answers `(#100) Param <field> …`); the answer is sent as JSON in the Graph headers.
 * Whatever a handler throws goes to the app's error handler, like every other route's.
 */
export function adminRoutes(app: FastifyInstance, runtime: Runtime, links: ModuleOptions) {
  const guard = requireAdminKey(runtime.adminKey);
  if (!app.hasDecorator("leadgraphAdminRoutes")) app.decorate("leadgraphAdminRoutes", []);
  return <S extends AdminRouteSpec>(spec: S, handler: AdminHandler<S>): void => {
    app.leadgraphAdminRoutes!.push(spec);
    app.route({
      method: spec.method,
      url: `${ADMIN_PREFIX}${spec.path}`,
      // A large body is refused before a byte of it is read when the key is wrong.
      ...(spec.bodyLimit !== undefined ? { onRequest: guard, bodyLimit: spec.bodyLimit(runtime.config) } : { preHandler: guard }),
      handler: async (req, reply) => {
        const call = {
          params: parseInput(spec.params, req.params, ""),
          query: parseInput(spec.query, lastValues(req.query), ""),
          body: parseInput(spec.body, req.body, "body"),
          url: `${links.publicUrl}${req.url.split("?")[0]}`,
          headers: req.headers,
        } as AdminCall<S>;
        const out = await handler(call);
        graphHeaders(reply, runtime.config.graphVersion);
        return sendGraph(reply, 200, out, {});
      },
    });
  };
}

/** Query strings as one string per name (a repeated name takes its last value, as Graph does). */
function lastValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) out[k] = String(Array.isArray(v) ? v[v.length - 1] : v);
  return out;
}

function parseInput(schema: z.ZodType | undefined, input: unknown, whole: string): unknown {
  if (schema === undefined) return {};
  return parseWith(schema, typeof input === "object" && input !== null ? input : {}, whole);
}

/** Validates with zod; the first problem becomes `(#100) Param <field> <detail>`. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, whole = "body"): T {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const field = issue.path.map(String).join(".") || whole;
  if (issue.code === "custom" && (issue.params as { phrase?: boolean } | undefined)?.phrase)
    throw accessErrors.adminInvalid(field, issue.message);
  let detail = issue.message;
  if (issue.code === "invalid_type" && /received undefined/i.test(issue.message)) detail = "is required";
  else if (issue.code === "unrecognized_keys" && "keys" in issue) {
    const prefix = issue.path.length > 0 ? `${field}.` : "";
    throw accessErrors.adminInvalid(issue.keys.map((k) => `${prefix}${k}`).join(", "), "is not a known field");
  } else if (issue.code === "invalid_value" && "values" in issue) detail = `must be one of ${(issue.values as unknown[]).join(", ")}`;
  else detail = `is invalid: ${detail}`;
  throw accessErrors.adminInvalid(field, detail);
}

// ---------- paging ----------

export interface Page<R> {
  data: R[];
  paging?: { cursors: { before: string; after: string }; next?: string };
}

type PagedCall = { query: { limit: number; after?: string | undefined }; url: string };

export const encodeCursor = (id: string): string => Buffer.from(id, "utf8").toString("base64url");
export const decodeCursor = (cursor: string): string => Buffer.from(cursor, "base64url").toString("utf8");

/**
 * The page answer from rows already in the list's order and fetched with one row more than the
 * limit (that extra row only says whether a next page exists).
 */
export function pageFrom<T, R>(rows: readonly T[], idOf: (r: T) => string, call: PagedCall, render: (r: T) => R): Page<R> {
  const { limit } = call.query;
  const rowsOfPage = rows.slice(0, limit);
  const out: Page<R> = { data: rowsOfPage.map(render) };
  if (rowsOfPage.length === 0) return out;
  const after = encodeCursor(idOf(rowsOfPage[rowsOfPage.length - 1]!));
  out.paging = { cursors: { before: encodeCursor(idOf(rowsOfPage[0]!)), after } };
  if (rows.length > limit) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query)) if (v !== undefined && v !== null && k !== "after") qs.set(k, String(v));
    qs.set("after", after);
    out.paging.next = `${call.url}?${qs.toString()}`;
  }
  return out;
}

/** A page of a list held in memory, ordered by id; `after` is the id of the last row seen. */
export function pageOf<T, R>(unsorted: readonly T[], idOf: (r: T) => string, call: PagedCall, render: (r: T) => R): Page<R> {
  const rows = [...unsorted].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  const after = call.query.after ? decodeCursor(call.query.after) : undefined;
  const start = after === undefined ? 0 : rows.findIndex((r) => idOf(r) > after);
  return pageFrom(start < 0 ? [] : rows.slice(start, start + call.query.limit + 1), idOf, call, render);
}

// ---------- shared answers ----------

export const graphTime = (t: number | null): string | null => (t === null ? null : formatGraphTime(t));

/** A time given as Graph datetime or unix seconds. */
export function timeField(field: string, v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const t = parseTime(v);
  if (t === undefined)
    throw accessErrors.adminInvalid(field, `must be a time such as 2026-11-20T10:00:00+0000 or unix seconds - got ${JSON.stringify(v)}`);
  return t;
}

/** Sends an error when an admin handler refers to something missing. */
export function need<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw accessErrors.adminNotFound(what, id);
  return value;
}

/** An input field that must name an existing object: `(#100) Param roles.0.user_id names no user with id 9`. */
export function needRef<T>(value: T | undefined, field: string, what: string, id: string): T {
  if (value === undefined) throw accessErrors.adminInvalid(field, `names no ${what} with id ${id}`);
  return value;
}

export const conflict = (detail: string) => accessErrors.adminConflict(detail);
