import type { SpecialPathHandler } from "./special-path-handler.ts";
import { accessSpecialPaths } from "./special-paths-access.ts";

/**
 * Paths that are not object ids (`debug_token`, `oauth`).
 * (`/me` is resolved by the executor itself: it becomes the token's user or page id.)
 */
export const specialPaths: Record<string, SpecialPathHandler> = {
  ...accessSpecialPaths,
};
