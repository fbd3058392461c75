import { parseLeadFiltering, timeBounds } from "../../domain/filtering.ts";
import type { LeadListQuery } from "../../domain/ports.ts";
import { retentionFloor } from "../../domain/retention.ts";
import type { GraphContext } from "../context.ts";
import type { EdgeRequest, EdgeResult, GraphEdge } from "../graph-node.ts";
import { renderNodes, validateSelection } from "../graph-node.ts";
import { leadNode, prepareLeads } from "../nodes/lead-node.ts";
import { boolParam, jsonParam } from "../params.ts";
import { keysetPage } from "../paging.ts";

/** Where a leads edge hangs: the page that owns the leads and the column that selects them. */
export interface LeadsOwner {
  id: string;
  pageId: string | null;
  column: "formId" | "adId";
}

/**
 * `GET /{form-id}/leads` and `GET /{ad-id}/leads`: newest first, `filtering` on time_created,
 * keyset cursors bound to this edge and filter, retention applied, one call charged to the page.
 */
export async function readLeads(ctx: GraphContext, owner: LeadsOwner, req: EdgeRequest): Promise<EdgeResult> {
  validateSelection(leadNode, req.selection);
  const filter = timeBounds(parseLeadFiltering(jsonParam(req.params, "filtering")));
  const floor = retentionFloor(ctx.nowSeconds());
  const base: Omit<LeadListQuery, "limit"> = {
    [owner.column]: owner.id,
    fromTime: Math.max(filter.from ?? floor, floor),
    ...(filter.before !== undefined ? { beforeTime: filter.before } : {}),
  };
  if (owner.pageId !== null) {
    await ctx.services.policy.assertCanReadLeads(ctx.caller, owner.pageId, owner.id);
    await ctx.services.meter.charge(ctx.caller, owner.pageId, 1, ctx.usage);
  }
  const scope = `leads:${owner.column}:${owner.id}:${filter.from ?? ""}:${filter.before ?? ""}`;
  const { rows, paging } = await keysetPage(
    ctx,
    req,
    scope,
    (q) => (owner.pageId === null ? Promise.resolve([]) : ctx.services.store.leads.list({ ...base, ...q })),
    (l) => ({ t: l.createdTime, id: l.id }),
  );
  const views = await prepareLeads(ctx, await ctx.services.policy.visibleLeads(ctx.caller, rows));
  const data = await renderNodes(ctx, leadNode, views, (v) => v.lead.id, req.selection);
  const result: EdgeResult = { data };
  if (paging) result.paging = paging;
  if (boolParam(req.params, "summary")) {
    result.summary = { total_count: owner.pageId === null ? 0 : await ctx.services.store.leads.count(base) };
  }
  return result;
}

export const leadsEdgeOf = <R>(owner: (r: R) => LeadsOwner): GraphEdge<R> => ({
  read: (ctx, parent, req) => readLeads(ctx, owner(parent), req),
});
