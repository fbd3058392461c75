import { nowSeconds } from "../domain/clock.ts";
import { errors } from "../domain/errors.ts";
import { pageUsage, type PageUsage } from "../domain/rate-limit/page-usage.ts";
import { formatGraphTime, parseDuration } from "../domain/time.ts";
import { type HttpModule, requireAdminKey } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { answer } from "./clock-routes.ts";

const DEFAULT_FORCE_SECONDS = 3600;

/**
 * The lead rate limit per page: `GET /_leadgraph/admin/limits` (every page), `GET …/limits/{page}`
 * (with the last 24 hours per hour), `POST …/limits/{page}/force` (`{"for": "1h"}`) and
 * `DELETE …/limits/{page}/force` to put a page in or out of the limited state, `POST …/reset`.
 */
export const limitsRoutes: HttpModule = async (app, runtime) => {
  const preHandler = requireAdminKey(runtime.adminKey);
  const base = "/_leadgraph/admin/limits";

  app.get(base, { preHandler }, async (req, reply) => answer(reply, async () => {
    const q = req.query as Record<string, string | undefined>;
    const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 100);
    const pages = (await runtime.services.store.directory.listPages()).sort((a, b) => a.id.localeCompare(b.id));
    const after = q.after ? Buffer.from(q.after, "base64url").toString() : undefined;
    const rest = after === undefined ? pages : pages.filter((p) => p.id > after);
    const slice = rest.slice(0, limit);
    await runtime.services.meter.settle?.();
    const data = [];
    for (const p of slice) data.push({ ...usageJson(await pageUsage(runtime.leadUsage, runtime.services.clock, p.id), false), page_name: p.name });
    const paging: Record<string, unknown> = {
      cursors: {
        before: slice[0] ? Buffer.from(slice[0].id).toString("base64url") : "",
        after: slice.at(-1) ? Buffer.from(slice.at(-1)!.id).toString("base64url") : "",
      },
    };
    if (rest.length > limit) paging.next = `${base}?limit=${limit}&after=${(paging.cursors as { after: string }).after}`;
    return { data, paging };
  }));

  app.get(`${base}/:pageId`, { preHandler }, async (req, reply) => answer(reply, async () => {
    const pageId = await knownPage(runtime, req.params);
    await runtime.services.meter.settle?.(pageId);
    return usageJson(await pageUsage(runtime.leadUsage, runtime.services.clock, pageId), true);
  }));

  app.post(`${base}/:pageId/force`, { preHandler }, async (req, reply) => answer(reply, async () => {
    const pageId = await knownPage(runtime, req.params);
    const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const seconds = body.for === undefined || body.for === "" ? DEFAULT_FORCE_SECONDS : parseDuration(String(body.for));
    if (seconds === undefined || seconds <= 0) {
      throw errors.invalidParam(`Param for must be a positive duration such as 30m, 1h or 2d - got ${JSON.stringify(body.for).slice(0, 60)}`);
    }
    await runtime.leadUsage.setForced(pageId, nowSeconds(runtime.services.clock) + seconds);
    await runtime.services.meter.forget?.(pageId);
    return usageJson(await pageUsage(runtime.leadUsage, runtime.services.clock, pageId), false);
  }));

  app.delete(`${base}/:pageId/force`, { preHandler }, async (req, reply) => answer(reply, async () => {
    const pageId = await knownPage(runtime, req.params);
    await runtime.leadUsage.setForced(pageId, null);
    await runtime.services.meter.forget?.(pageId);
    return usageJson(await pageUsage(runtime.leadUsage, runtime.services.clock, pageId), false);
  }));

  app.post(`${base}/:pageId/reset`, { preHandler }, async (req, reply) => answer(reply, async () => {
    const pageId = await knownPage(runtime, req.params);
    // Reserved calls are given back before the counters go, so none is taken from the fresh start.
    await runtime.services.meter.forget?.(pageId);
    await runtime.leadUsage.reset(pageId);
    await runtime.leadUsage.setForced(pageId, null);
    return usageJson(await pageUsage(runtime.leadUsage, runtime.services.clock, pageId), false);
  }));
};

async function knownPage(runtime: Runtime, params: unknown): Promise<string> {
  const pageId = String((params as { pageId?: string }).pageId ?? "");
  if (!/^\d{1,25}$/.test(pageId) || !(await runtime.services.store.directory.getPage(pageId))) throw errors.unknownObject(pageId);
  return pageId;
}

function usageJson(u: PageUsage, withHourly: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    page_id: u.pageId,
    leads_90d: u.leads90d,
    budget: u.budget,
    used: u.used,
    call_count: u.callCount,
    limited: u.limited,
    forced_until: u.forcedUntil,
    estimated_time_to_regain_access: u.estimatedTimeToRegainAccess,
  };
  if (withHourly) out.hourly = u.hourly.map((h) => ({ hour_start: h.hourStart, hour_start_iso: formatGraphTime(h.hourStart), calls: h.calls }));
  return out;
}
