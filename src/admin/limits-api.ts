import { z } from "zod";
import { adminRoute, listOf, pageQuery } from "./admin-spec.ts";
import { strict } from "./schemas.ts";

const tag = "limits";
const pageId = z.object({ pageId: z.string() });

export const limitUsage = z.object({
  page_id: z.string(),
  leads_90d: z.number().int(),
  /** Calls allowed in the rolling 24 hours. */
  budget: z.number().int(),
  used: z.number().int(),
  call_count: z.number().int(),
  limited: z.boolean(),
  forced_until: z.number().int().nullable(),
  estimated_time_to_regain_access: z.number().int(),
});
/** The per-page answer adds the last 24 hours, oldest first. */
export const limitUsageWithHours = limitUsage.extend({
  hourly: z.array(z.object({ hour_start: z.number().int(), hour_start_iso: z.string(), calls: z.number().int() })),
});

export const limitsApi = {
  list: adminRoute({
    method: "GET",
    path: "/limits",
    tag,
    summary: "The lead rate limit of every page, by page id",
    query: pageQuery,
    response: listOf(limitUsage.extend({ page_name: z.string() })),
  }),
  get: adminRoute({
    method: "GET",
    path: "/limits/:pageId",
    tag,
    summary: "One page's lead rate limit with its last 24 hours",
    params: pageId,
    response: limitUsageWithHours,
  }),
  force: adminRoute({
    method: "POST",
    path: "/limits/:pageId/force",
    tag,
    summary: "Put a page in the limited state (for 1h unless `for` says otherwise)",
    params: pageId,
    body: strict({ for: z.union([z.string(), z.number()]).optional().meta({ description: "A duration such as 30m, 1h or 2d." }) }),
    response: limitUsage,
  }),
  unforce: adminRoute({
    method: "DELETE",
    path: "/limits/:pageId/force",
    tag,
    summary: "Take a page out of the forced limited state",
    params: pageId,
    response: limitUsage,
  }),
  reset: adminRoute({
    method: "POST",
    path: "/limits/:pageId/reset",
    tag,
    summary: "Forget a page's counted calls and any forced state",
    params: pageId,
    response: limitUsage,
  }),
};
