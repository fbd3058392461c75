import { errors } from "../domain/errors.ts";
import { hostOf, type HttpModule, requireAdminKey } from "../http-kit/index.ts";
import { WorldError } from "../world/load-world.ts";
import { answer } from "./clock-routes.ts";

/**
 * `POST /_leadgraph/admin/reset` with `{"world": {…}}` (or no world: an empty one) replaces
 * everything the server holds with that world: every lead, delivery, token and object made since
 * is gone. The settings of the installation (admin key, secret key, manual clock) stay.
 */
export const resetRoutes: HttpModule = async (app, runtime) => {
  const preHandler = requireAdminKey(runtime.adminKey);
  app.post("/_leadgraph/admin/reset", { preHandler, bodyLimit: 64 * 1024 * 1024 }, async (req, reply) =>
    answer(reply, async () => {
      const host = hostOf(runtime);
      if (!host) throw errors.invalidParam("This server cannot reset: it was not started by `leadgraph serve` or the testing API");
      const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const extra = Object.keys(body).filter((k) => k !== "world");
      if (extra.length > 0) throw errors.invalidKeys(extra, "body");
      if (body.world !== undefined && (typeof body.world !== "object" || body.world === null || Array.isArray(body.world))) {
        throw errors.invalidParam("Param world must be a world document (an object, as in a world file)");
      }
      try {
        const summary = await host.reset(body.world ?? {});
        return { success: true, world: summary };
      } catch (e) {
        if (e instanceof WorldError) throw errors.invalidParam(`Param world.${e.message}`);
        throw e;
      }
    }));
};
