import { nowSeconds } from "../domain/clock.ts";
import { errors } from "../domain/errors.ts";
import { pageUsage, type PageUsage } from "../domain/rate-limit/page-usage.ts";
import { formatGraphTime, parseDuration } from "../domain/time.ts";
import type { HttpModule } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { adminRoutes, pageOf } from "./admin-kit.ts";
import { limitsApi } from "./limits-api.ts";

const DEFAULT_FORCE_SECONDS = 3600;

/**
 * The lead rate limit per page: `GET /_leadgraph/admin/limits` (every page), `GET …/limits/{page}`
 * (with the last 24 hours per hour), `POST …/limits/{page}/force` (`{"for": "1h"}`) and
 * `DELETE …/limits/{page}/force` to put a page in or out of the limited state, `POST …/reset`.
 */
export const limitsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const usage = (pageId: string) => pageUsage(runtime.leadUsage, runtime.services.clock, pageId);

  add(limitsApi.list, async (call) => {
    const listed = pageOf(
      await runtime.services.store.directory.listPages(),
      (p) => p.id,
      call,
      (p) => p,
    );
    await runtime.services.meter.settle?.();
    const data = [];
    for (const p of listed.data) data.push({ ...usageJson(await usage(p.id)), page_name: p.name });
    return { ...listed, data };
  });

  add(limitsApi.get, async ({ params }) => {
    const pageId = await knownPage(runtime, params.pageId);
    await runtime.services.meter.settle?.(pageId);
    const u = await usage(pageId);
    return {
      ...usageJson(u),
      hourly: u.hourly.map((h) => ({ hour_start: h.hourStart, hour_start_iso: formatGraphTime(h.hourStart), calls: h.calls })),
    };
  });

  add(limitsApi.force, async ({ params, body }) => {
    const pageId = await knownPage(runtime, params.pageId);
    const seconds = body.for === undefined || body.for === "" ? DEFAULT_FORCE_SECONDS : parseDuration(String(body.for));
    if (seconds === undefined || seconds <= 0) {
      throw errors.invalidParam(
        `Param for must be a positive duration such as 30m, 1h or 2d - got ${JSON.stringify(body.for).slice(0, 60)}`,
      );
    }
    await runtime.leadUsage.setForced(pageId, nowSeconds(runtime.services.clock) + seconds);
    await runtime.services.meter.forget?.(pageId);
    return usageJson(await usage(pageId));
  });

  add(limitsApi.unforce, async ({ params }) => {
    const pageId = await knownPage(runtime, params.pageId);
    await runtime.leadUsage.setForced(pageId, null);
    await runtime.services.meter.forget?.(pageId);
    return usageJson(await usage(pageId));
  });

  add(limitsApi.reset, async ({ params }) => {
    const pageId = await knownPage(runtime, params.pageId);
    // Reserved calls are given back before the counters go, so none is taken from the fresh start.
    await runtime.services.meter.forget?.(pageId);
    await runtime.leadUsage.reset(pageId);
    await runtime.leadUsage.setForced(pageId, null);
    return usageJson(await usage(pageId));
  });
};

async function knownPage(runtime: Runtime, pageId: string): Promise<string> {
  if (!/^\d{1,25}$/.test(pageId) || !(await runtime.services.store.directory.getPage(pageId))) throw errors.unknownObject(pageId);
  return pageId;
}

function usageJson(u: PageUsage) {
  return {
    page_id: u.pageId,
    leads_90d: u.leads90d,
    budget: u.budget,
    used: u.used,
    call_count: u.callCount,
    limited: u.limited,
    forced_until: u.forcedUntil,
    estimated_time_to_regain_access: u.estimatedTimeToRegainAccess,
  };
}
