import type { Caller } from "../domain/access/caller.ts";
import type { Services } from "../domain/services.ts";
import type { GraphExecutor, GraphOptions, GraphRequest } from "./graph-request.ts";

export interface SpecialPathInput {
  services: Services;
  options: GraphOptions;
  req: GraphRequest;
  segments: string[];
  executor: GraphExecutor;
  /** Authenticates the request's token (special paths decide whether they need one). */
  authenticate: () => Promise<Caller>;
}

export type SpecialPathHandler = (input: SpecialPathInput) => Promise<{ body: unknown; headers?: Record<string, string> }>;
