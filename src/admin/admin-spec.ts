import { z } from "zod";

/**
 * How an admin route is declared: method, path and zod schemas for its params, query, body and
 * answer, once. The server validates requests with them (admin-kit.ts), the OpenAPI document is
 * generated from them (openapi-document.ts), and the console types its calls with
 * `import type` of the same declarations. This file imports only zod so the console can read it.
 */
export type AdminMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface AdminRouteSpec {
  method: AdminMethod;
  /** Under `/_leadgraph/admin`, Fastify syntax (`/apps/:id`). */
  path: string;
  /** OpenAPI tag: the resource. */
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** A body larger than the server-wide limit; the admin key is then checked before the body is read. */
  bodyLimit?: (limits: { importBodyLimitBytes: number }) => number;
}

/** Keeps the literal types of a declaration (for the handler's and the console's types). */
export const adminRoute = <const S extends AdminRouteSpec>(spec: S): S => spec;

type Out<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;

/** What a handler receives: the parsed request. */
export interface AdminCall<S extends AdminRouteSpec> {
  params: Out<S["params"]>;
  query: Out<S["query"]>;
  body: Out<S["body"]>;
  /** Absolute URL of this request's path, for `paging.next`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The answer of a route, as the client reads it. */
export type AdminResponse<S extends AdminRouteSpec> = z.output<S["response"]>;
/** The body a client sends (defaults may be left out). */
export type AdminBody<S extends AdminRouteSpec> = S["body"] extends z.ZodType ? z.input<S["body"]> : never;
/** The query a client sends. */
export type AdminQuery<S extends AdminRouteSpec> = S["query"] extends z.ZodType ? z.input<S["query"]> : never;

/** An integer sent as a JSON number or as text (query strings, the CLI's flags), from `min` to `max`. */
export const intInput = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^-?\d{1,15}$/, "must be an integer")
        .transform(Number),
    ])
    .pipe(z.number().int("must be an integer").min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

// ---------- limits and paging: the same on every list ----------

export const DEFAULT_ADMIN_LIMIT = 100;
export const MAX_ADMIN_LIMIT = 1000;

/**
 * `limit`: 1 to 1,000, 100 when absent; anything else (above 1,000 included) is a 400 naming the
 * parameter rather than a silent clamp, so a client never mistakes a short page for the end.
 */
export const limitParam = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === "") return DEFAULT_ADMIN_LIMIT;
    const n = /^\d{1,7}$/.test(raw) ? Number(raw) : 0;
    if (n >= 1 && n <= MAX_ADMIN_LIMIT) return n;
    const message =
      n > MAX_ADMIN_LIMIT ? `must be at most ${MAX_ADMIN_LIMIT} - got ${n}` : `must be a positive integer - got "${raw.slice(0, 20)}"`;
    // `phrase`: the message reads after "Param limit" as it is (admin-kit.ts).
    ctx.addIssue({ code: "custom", message, params: { phrase: true } });
    return z.NEVER;
  })
  // Described as the integer it means (a query string carries it as text).
  .meta({
    type: "integer",
    minimum: 1,
    maximum: MAX_ADMIN_LIMIT,
    default: DEFAULT_ADMIN_LIMIT,
    description: `Rows per page: 1 to ${MAX_ADMIN_LIMIT}, ${DEFAULT_ADMIN_LIMIT} when absent; above ${MAX_ADMIN_LIMIT} is an error.`,
  });

/** The query every list takes; lists add their own filters with `.extend`. */
export const pageQuery = z.object({
  limit: limitParam,
  after: z.string().max(200).optional().meta({ description: "The `paging.cursors.after` of the previous page." }),
});

/** The page every list answers: Graph's shape. `paging` is absent on an empty page; `next` only when more rows follow. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    paging: z
      .object({
        cursors: z.object({ before: z.string(), after: z.string() }),
        next: z.string().optional(),
      })
      .optional(),
  });

export const success = z.object({ success: z.boolean() });
