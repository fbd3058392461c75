import { version } from "../version.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { registeredAdminRoutes } from "./admin-kit.ts";
import { OPENAPI_PATH, openApiDocument } from "./openapi-document.ts";

/**
 * `GET /_leadgraph/admin/openapi.json`: the admin API described from the schemas its routes were
 * registered with. No admin key: it describes the API and holds no data. Built on first request,
 * when every module has registered its routes.
 */
export const openApiRoutes: HttpModule = async (app, _runtime, links) => {
  let document: string | undefined;
  app.get(OPENAPI_PATH, async (_req, reply) => {
    document ??= JSON.stringify(openApiDocument(registeredAdminRoutes(app), { version, serverUrl: links.publicUrl }));
    return reply.type("application/json; charset=utf-8").send(document);
  });
};
