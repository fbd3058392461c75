import { debugToken } from "./special/debug-token.ts";
import { oauthAccessToken } from "./special/oauth-access-token.ts";
import type { SpecialPathHandler } from "./special-paths.ts";

/** The token endpoints (access engineer), merged into `specialPaths`. */
export const accessSpecialPaths: Record<string, SpecialPathHandler> = {
  debug_token: debugToken,
  oauth: oauthAccessToken,
};
