import { timingSafeEqual } from "node:crypto";
import { stableAppToken } from "../../domain/access/app-token.ts";
import { issueToken } from "../../domain/access/token-issuer.ts";
import { EXCHANGED_EXPIRES_IN } from "../../domain/access/token-lifetimes.ts";
import { nowSeconds } from "../../domain/clock.ts";
import { accessErrors, errors } from "../../domain/errors.ts";
import type { AppRecord } from "../../domain/model.ts";
import type { Services } from "../../domain/services.ts";
import { stringParam, type Params } from "../params.ts";
import type { SpecialPathHandler } from "../special-path-handler.ts";
import { inspectToken } from "./token-inspection.ts";

const sameText = (a: string, b: string): boolean => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

/**
 * The app named by client_id, once client_secret matches. Wrong secrets are counted per client
 * address (services.throttle); past the limit the address is refused with 429 until the window ends.
 */
async function clientApp(services: Services, params: Params, address: string | undefined): Promise<AppRecord> {
  const clientId = stringParam(params, "client_id");
  if (!clientId) throw accessErrors.missingParameter("client_id");
  const app = /^\d{1,20}$/.test(clientId) ? await services.store.directory.getApp(clientId) : undefined;
  if (!app) throw accessErrors.invalidApplication();
  const secret = stringParam(params, "client_secret");
  if (!secret) throw accessErrors.missingParameter("client_secret");
  const wait = address === undefined ? undefined : await services.throttle.failuresExhausted("client_secret", address);
  if (wait !== undefined) throw errors.tooManyFailedAttempts(wait);
  if (!sameText(secret, app.secret)) {
    if (address !== undefined) await services.throttle.failed("client_secret", address);
    throw accessErrors.invalidClientSecret();
  }
  return app;
}

/**
 * `GET|POST /oauth/access_token`: `client_credentials` (the app's one stable app token `APP_ID|…`) and
 * `fb_exchange_token` (short-lived user or page token → long-lived; an expired one cannot be exchanged).
 */
export const oauthAccessToken: SpecialPathHandler = async ({ services, req, segments }) => {
  if (segments.length !== 2 || segments[1] !== "access_token") throw errors.unknownPath(`/${segments.slice(1).join("/")}`);
  if (req.method === "DELETE") throw errors.unsupportedMethod("delete", "/oauth/access_token");
  const app = await clientApp(services, req.params, req.clientAddress);
  const grant = stringParam(req.params, "grant_type") ?? (req.params.fb_exchange_token !== undefined ? "fb_exchange_token" : "");
  if (grant === "client_credentials") {
    return { body: { access_token: stableAppToken(app), token_type: "bearer" } };
  }
  if (grant !== "fb_exchange_token") throw accessErrors.unsupportedGrantType(grant);
  const short = stringParam(req.params, "fb_exchange_token");
  if (!short) throw errors.paramRequired("fb_exchange_token");
  const insp = await inspectToken(services, short);
  if (insp.error) throw insp.error;
  const parent = insp.record;
  if (!parent || (parent.type !== "USER" && parent.type !== "PAGE")) {
    throw errors.invalidParam("Param fb_exchange_token must be a user or page access token");
  }
  if (parent.appId !== app.id) throw accessErrors.exchangeWrongApp();
  const issued = await issueToken(services, {
    type: parent.type,
    appId: app.id,
    userId: parent.userId,
    pageId: parent.pageId,
    scopes: parent.scopes,
    longLived: true,
    ...(parent.type === "USER" ? { expiresIn: EXCHANGED_EXPIRES_IN } : {}),
  });
  const body: Record<string, unknown> = { access_token: issued.text, token_type: "bearer" };
  if (issued.record.expiresAt !== null) body.expires_in = issued.record.expiresAt - nowSeconds(services.clock);
  return { body };
};
