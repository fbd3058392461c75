import type { HttpModule } from "../http-kit/index.ts";
import { adAccountsRoutes } from "./ad-accounts-routes.ts";
import { adsRoutes } from "./ads-routes.ts";
import { adsetsRoutes } from "./adsets-routes.ts";
import { appsRoutes } from "./apps-routes.ts";
import { campaignsRoutes } from "./campaigns-routes.ts";
import { pagesRoutes } from "./pages-routes.ts";
import { tokensRoutes } from "./tokens-routes.ts";
import { usersRoutes } from "./users-routes.ts";

/** The access engineer's admin resources (docs/admin-api.md). */
export const accessAdminModules: HttpModule[] = [
  appsRoutes,
  usersRoutes,
  pagesRoutes,
  adAccountsRoutes,
  campaignsRoutes,
  adsetsRoutes,
  adsRoutes,
  tokensRoutes,
];
