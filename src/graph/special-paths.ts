import type { Caller } from "../domain/access/caller.ts";
import type { Services } from "../domain/services.ts";
import type { GraphExecutor, GraphOptions, GraphRequest } from "./execute.ts";
import { accessSpecialPaths } from "./special-paths-access.ts";

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

/**
 * Paths that are not object ids (`debug_token`, `oauth`), by their first segment.
 * (`/me` is resolved by the executor itself: it becomes the token's user or page id.)
 */
export const specialPaths: Record<string, SpecialPathHandler> = {
  ...accessSpecialPaths,
};
