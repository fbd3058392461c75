import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";
import { adminFallbackRoutes } from "../admin/admin-fallback-routes.ts";
import { consoleSessionRoutes } from "../admin/console-session-routes.ts";
import { consoleModule } from "../console/serve-console.ts";

export interface ModuleOptions {
  publicUrl: string;
}

/** An HTTP module claims its own path prefix (admin API, hosted forms, console, export, operations). */
export type HttpModule = (app: FastifyInstance, runtime: Runtime, options: ModuleOptions) => Promise<void>;

/** Registered before the Graph catch-all; each later issue adds its module here. */
export const httpModules: HttpModule[] = [];
httpModules.push(consoleSessionRoutes, consoleModule(), adminFallbackRoutes);
