import { errors } from "../domain/errors.ts";
import { hostOf, type HttpModule } from "../http-kit/index.ts";
import { WorldError } from "../world/load-world.ts";
import { adminRoutes } from "./admin-kit.ts";
import { resetApi } from "./reset-api.ts";

/**
 * `POST /_leadgraph/admin/reset` with `{"world": {…}}` (or no world: an empty one) replaces
 * everything the server holds with that world: every lead, delivery, token and object made since
 * is gone. The settings of the installation (admin key, secret key, manual clock) stay.
 */
export const resetRoutes: HttpModule = async (app, runtime, links) => {
  adminRoutes(
    app,
    runtime,
    links,
  )(resetApi.reset, async ({ body }) => {
    const host = hostOf(runtime);
    if (!host) throw errors.invalidParam("This server cannot reset: it was not started by `leadgraph serve` or the testing API");
    try {
      const summary = await host.reset(body.world ?? {});
      return { success: true, ...(summary ? { world: summary } : {}) };
    } catch (e) {
      if (e instanceof WorldError) throw errors.invalidParam(`Param world.${e.message}`);
      throw e;
    }
  });
};
