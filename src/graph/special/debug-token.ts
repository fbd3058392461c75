import { accessErrors, errors } from "../../domain/errors.ts";
import { stringParam } from "../params.ts";
import type { SpecialPathHandler } from "../special-path-handler.ts";
import { debugTokenData, inspectToken } from "./token-inspection.ts";

/**
 * `GET /debug_token?input_token=…` with an app token (or a token of the same app). An invalid
 * input token is not an error: the answer says `is_valid:false` and why.
 */
export const debugToken: SpecialPathHandler = async ({ services, req, segments, authenticate }) => {
  if (segments.length > 1) throw errors.unknownPath(`/${segments.slice(1).join("/")}`);
  if (req.method !== "GET") throw errors.unsupportedMethod(req.method, "/debug_token");
  const caller = await authenticate();
  const input = stringParam(req.params, "input_token");
  if (input === undefined || input.trim() === "") throw errors.paramRequired("input_token");
  const insp = await inspectToken(services, input);
  if (insp.app && insp.app.id !== caller.app.id) {
    // Only the app itself may look inside its tokens.
    throw accessErrors.debugTokenAppMismatch();
  }
  return { body: { data: await debugTokenData(services, insp) } };
};
