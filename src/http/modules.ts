import { opsRoutes } from "../ops/ops-routes.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { accessAdminModules } from "../admin/access-modules.ts";
import { webhooksAdminRoutes } from "../admin/webhooks-routes.ts";
import { webhookStatsRoutes } from "../admin/webhook-stats-routes.ts";
import { exportModule } from "../export/export-module.ts";
import { clockRoutes } from "../admin/clock-routes.ts";
import { limitsRoutes } from "../admin/limits-routes.ts";
import { adminFormsRoutes } from "../admin/forms-routes.ts";
import { erasureRoutes } from "../admin/erasure-routes.ts";
import { hostedFormModule } from "../hosted-form/hosted-form-module.ts";
import { adminFallbackRoutes } from "../admin/admin-fallback-routes.ts";
import { consoleSessionRoutes } from "../admin/console-session-routes.ts";
import { consoleModule } from "../console/serve-console.ts";
import { resetRoutes } from "../admin/reset-routes.ts";
import { openApiRoutes } from "../admin/openapi-routes.ts";
import { instancesRoutes } from "../admin/instances-routes.ts";

/** Registered in this order, before the Graph catch-all. */
export const httpModules: HttpModule[] = [
  ...accessAdminModules,
  opsRoutes,
  instancesRoutes,
  webhooksAdminRoutes,
  webhookStatsRoutes,
  exportModule,
  clockRoutes,
  limitsRoutes,
  adminFormsRoutes,
  erasureRoutes,
  hostedFormModule,
  consoleSessionRoutes,
  consoleModule(),
  resetRoutes,
  openApiRoutes,
  // Last: unknown admin paths answer 2500 instead of falling into the Graph catch-all.
  adminFallbackRoutes,
];
