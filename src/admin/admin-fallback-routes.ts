import { errors } from "../domain/errors.ts";
import { errorBody } from "../graph/execute.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { type HttpModule, requireAdminKey } from "../http-kit/index.ts";

/**
 * Any `/_leadgraph/admin/…` path no admin route claims: after the admin-key check, the Graph
 * "unknown path" error. Without it such paths fall into the Graph catch-all, which reads the admin
 * key as an access token and answers a misleading 190. Specific admin routes always win over this
 * wildcard in Fastify's router, so later admin modules need nothing from it.
 */
export const adminFallbackRoutes: HttpModule = async (app, runtime) => {
  const guard = requireAdminKey(runtime.adminKey);
  app.all("/_leadgraph/admin/*", { preHandler: guard }, async (req, reply) => {
    graphHeaders(reply, runtime.config.graphVersion);
    return sendGraph(reply, 400, errorBody(errors.unknownPath(req.url.split("?")[0] ?? "")), {});
  });
};
