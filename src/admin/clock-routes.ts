import { nowSeconds } from "../domain/clock.ts";
import { errors } from "../domain/errors.ts";
import { formatGraphTime, parseDuration, parseUserTime, USER_TIME_FORMATS } from "../domain/time.ts";
import type { HttpModule } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { adminRoutes } from "./admin-kit.ts";
import { clockApi } from "./clock-api.ts";

/**
 * `GET /_leadgraph/admin/clock` shows the clock; `POST` with `{"set": <unix>}` or
 * `{"advance": "36h"}` moves a manual clock (shared by every instance on the database).
 */
export const clockRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  add(clockApi.get, async () => clockState(runtime));
  add(clockApi.move, async ({ body }) => {
    const control = runtime.clockControl;
    if (control.mode !== "manual") throw errors.clockNotManual();
    const hasSet = body.set !== undefined && body.set !== "";
    const hasAdvance = body.advance !== undefined && body.advance !== "";
    if (hasSet === hasAdvance)
      throw errors.invalidParam(
        'Send exactly one of {"set": <unix seconds or ISO time>} or {"advance": "<duration like 36h, 90d, 1h30m or seconds>"}',
      );
    if (hasSet) {
      const at = parseUserTime(body.set);
      if (at === undefined)
        throw errors.invalidParam(`Param set must be ${USER_TIME_FORMATS} - got ${JSON.stringify(body.set).slice(0, 60)}`);
      await control.set(at * 1000);
    } else {
      const seconds = parseDuration(String(body.advance));
      if (seconds === undefined || seconds < 0) {
        throw errors.invalidParam(
          `Param advance must be a non-negative duration such as 36h, 90d, 1h30m or seconds - got ${JSON.stringify(body.advance).slice(0, 60)}`,
        );
      }
      await control.advance(seconds * 1000);
    }
    return clockState(runtime);
  });
};

function clockState(runtime: Runtime) {
  const now = nowSeconds(runtime.services.clock);
  return { mode: runtime.clockControl.mode, now, now_iso: formatGraphTime(now), shared: runtime.clockControl.mode === "manual" };
}
