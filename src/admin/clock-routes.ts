import type { FastifyReply } from "fastify";
import { nowSeconds } from "../domain/clock.ts";
import { errors, isGraphError } from "../domain/errors.ts";
import { formatGraphTime, parseDuration, parseUserTime, USER_TIME_FORMATS } from "../domain/time.ts";
import { errorBody } from "../graph/execute.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { type HttpModule, requireAdminKey } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";

/**
 * `GET /_leadgraph/admin/clock` shows the clock; `POST` with `{"set": <unix>}` or
 * `{"advance": "36h"}` moves a manual clock (shared by every instance on the database).
 */
export const clockRoutes: HttpModule = async (app, runtime) => {
  const preHandler = requireAdminKey(runtime.adminKey);
  app.get("/_leadgraph/admin/clock", { preHandler }, async (_req, reply) => answer(reply, () => clockState(runtime)));
  app.post("/_leadgraph/admin/clock", { preHandler }, async (req, reply) =>
    answer(reply, async () => {
      const control = runtime.clockControl;
      if (control.mode !== "manual") throw errors.clockNotManual();
      const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const hasSet = body.set !== undefined && body.set !== "";
      const hasAdvance = body.advance !== undefined && body.advance !== "";
      if (hasSet === hasAdvance) throw errors.invalidParam('Send exactly one of {"set": <unix seconds or ISO time>} or {"advance": "<duration like 36h, 90d, 1h30m or seconds>"}');
      if (hasSet) {
        const at = parseUserTime(body.set);
        if (at === undefined) throw errors.invalidParam(`Param set must be ${USER_TIME_FORMATS} - got ${JSON.stringify(body.set).slice(0, 60)}`);
        await control.set(at * 1000);
      } else {
        const seconds = parseDuration(String(body.advance));
        if (seconds === undefined || seconds < 0) {
          throw errors.invalidParam(`Param advance must be a non-negative duration such as 36h, 90d, 1h30m or seconds - got ${JSON.stringify(body.advance).slice(0, 60)}`);
        }
        await control.advance(seconds * 1000);
      }
      return clockState(runtime);
    }));
};

export function clockState(runtime: Runtime): Record<string, unknown> {
  const now = nowSeconds(runtime.services.clock);
  return { mode: runtime.clockControl.mode, now, now_iso: formatGraphTime(now), shared: runtime.clockControl.mode === "manual" };
}

export async function answer(reply: FastifyReply, fn: () => unknown): Promise<FastifyReply> {
  graphHeaders(reply, "v25.0");
  try {
    return sendGraph(reply, 200, await fn(), {});
  } catch (e) {
    const err = isGraphError(e) ? e : errors.unknown(e);
    if (!isGraphError(e)) reply.request.log.error({ err: e }, "admin request failed");
    return sendGraph(reply, err.status, errorBody(err), {});
  }
}
