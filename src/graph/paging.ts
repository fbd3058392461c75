import type { Paging } from "../contract/index.ts";
import type { KeysetPosition } from "../domain/cursor.ts";
import { errors } from "../domain/errors.ts";
import type { GraphContext } from "./context.ts";
import type { EdgeRequest } from "./graph-node.ts";
import { stringParam, type Params } from "./params.ts";

export const DEFAULT_LIMIT = 25;
/** The largest page served; larger limits (up to HARD_LIMIT) are capped to it as Graph caps them. */
export const MAX_LIMIT = 1000;
const HARD_LIMIT = 100_000;

export function pageLimit(params: Params): number {
  const raw = stringParam(params, "limit");
  if (raw === undefined || raw === "") return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(raw.trim())) throw errors.invalidParam(`Param limit must be a positive integer - got "${raw.slice(0, 40)}"`);
  const n = Number(raw);
  if (n < 1) throw errors.invalidParam("Param limit must be a positive integer - got 0");
  if (n > HARD_LIMIT)
    throw errors.invalidParam(`Param limit must be at most ${HARD_LIMIT} (pages are capped at ${MAX_LIMIT} rows) - got ${n}`);
  return Math.min(n, MAX_LIMIT);
}

export interface KeysetQuery {
  olderThan?: KeysetPosition;
  newerThan?: KeysetPosition;
  limit: number;
}

/**
 * Cursor paging as Graph does it, on a newest-first keyset: `after` continues to older rows,
 * `before` goes back to newer ones; `next` is absent on the last page and `previous` on the first.
 * Fetches one extra row to know whether more exist, so page 1,000 costs what page 1 costs.
 */
export async function keysetPage<T>(
  ctx: GraphContext,
  req: EdgeRequest,
  scope: string,
  fetch: (q: KeysetQuery) => Promise<T[]>,
  position: (row: T) => KeysetPosition,
): Promise<{ rows: T[]; paging: Paging | undefined }> {
  const limit = pageLimit(req.params);
  const after = stringParam(req.params, "after");
  const before = stringParam(req.params, "before");
  if (after && before) throw errors.invalidParam("Params after and before cannot be used together");
  const cursors = ctx.services.cursors;
  const backwards = before !== undefined && before !== "";
  const q: KeysetQuery = { limit: limit + 1 };
  if (after) q.olderThan = cursors.decode(scope, after, "after");
  if (backwards) q.newerThan = cursors.decode(scope, before, "before");
  let rows = await fetch(q);
  const more = rows.length > limit;
  if (more) rows = backwards ? rows.slice(rows.length - limit) : rows.slice(0, limit);
  if (rows.length === 0) return { rows, paging: undefined };
  const first = cursors.encode(scope, position(rows[0]!));
  const last = cursors.encode(scope, position(rows[rows.length - 1]!));
  const paging: Paging = { cursors: { before: first, after: last } };
  const hasNext = backwards ? true : more;
  const hasPrevious = backwards ? more : Boolean(after);
  if (hasPrevious) paging.previous = pagingLink(ctx, req, "before", first);
  if (hasNext) paging.next = pagingLink(ctx, req, "after", last);
  return { rows, paging };
}

/** An absolute, self-contained link: the Node SDK requests `paging.next` verbatim. */
export function pagingLink(ctx: GraphContext, req: EdgeRequest, param: "after" | "before", cursor: string): string {
  const qs = new URLSearchParams();
  qs.set("access_token", ctx.accessToken);
  for (const [k, v] of Object.entries(req.linkParams)) {
    if (k === "after" || k === "before" || k === "access_token" || v === undefined || v === null) continue;
    qs.set(k, typeof v === "string" ? v : JSON.stringify(v));
  }
  qs.set(param, cursor);
  return `${ctx.publicUrl}/${ctx.version}/${req.linkPath}?${qs.toString()}`;
}
