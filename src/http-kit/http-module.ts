import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

export interface ModuleOptions {
  publicUrl: string;
}

/** An HTTP module claims its own path prefix (admin API, hosted forms, console, export, operations). */
export type HttpModule = (app: FastifyInstance, runtime: Runtime, options: ModuleOptions) => Promise<void>;
