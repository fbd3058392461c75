import { debugToken } from "./special/debug-token.ts";
import { oauthAccessToken } from "./special/oauth-access-token.ts";
import type { SpecialPathHandler } from "./special-path-handler.ts";

/** The token endpoints, merged into `specialPaths`. */
export const accessSpecialPaths: Record<string, SpecialPathHandler> = {
  debug_token: debugToken,
  oauth: oauthAccessToken,
};
