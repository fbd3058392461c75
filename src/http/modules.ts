import type { FastifyInstance } from "fastify";
import { opsRoutes } from "../ops/ops-routes.ts";
import type { Runtime } from "../runtime/runtime.ts";
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

export interface ModuleOptions {
  publicUrl: string;
}

/** An HTTP module claims its own path prefix (admin API, hosted forms, console, export, operations). */
export type HttpModule = (app: FastifyInstance, runtime: Runtime, options: ModuleOptions) => Promise<void>;

/** Registered before the Graph catch-all; each later issue adds its module here. */
export const httpModules: HttpModule[] = [
  ...accessAdminModules,
  opsRoutes,
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
  // Last: unknown admin paths answer 2500 instead of falling into the Graph catch-all.
  adminFallbackRoutes,
];
