import { appIdOfAppToken, isAppOwnToken } from "../../domain/access/app-token.ts";
import { INVALIDATION_MESSAGES } from "../../domain/access/authenticate.ts";
import { nowSeconds } from "../../domain/clock.ts";
import { errors, type GraphError } from "../../domain/errors.ts";
import type { AppRecord, TokenRecord, TokenType } from "../../domain/model.ts";
import type { Services } from "../../domain/services.ts";
import { formatSessionTime } from "../../domain/time.ts";

/** What a token text stands for, valid or not: what debug_token and the admin API report. */
export interface TokenInspection {
  type: TokenType | undefined;
  app: AppRecord | undefined;
  record: TokenRecord | undefined;
  /** Why it is not valid (undefined when valid). */
  error: GraphError | undefined;
}

/** Looks a token up without failing: expired and invalidated tokens are described, not rejected. */
export async function inspectToken(services: Services, text: string): Promise<TokenInspection> {
  const { store } = services;
  const token = text.trim();
  if (token === "" || token.length > 1024 || /\s/.test(token))
    return { type: undefined, app: undefined, record: undefined, error: errors.malformedToken() };
  const appId = appIdOfAppToken(token);
  if (appId !== undefined) {
    const app = await store.directory.getApp(appId);
    if (app && isAppOwnToken(app, token)) return { type: "APP", app, record: undefined, error: undefined };
  }
  const record = await store.tokens.findByHash(services.hashToken(token));
  if (!record) return { type: undefined, app: undefined, record: undefined, error: errors.malformedToken() };
  const app = await store.directory.getApp(record.appId);
  const base = { type: record.type, app, record };
  if (!app) return { ...base, error: errors.tokenInvalidated(458, INVALIDATION_MESSAGES[458]!) };
  if (record.invalidatedSubcode !== null) {
    const reason = record.invalidatedReason ?? INVALIDATION_MESSAGES[record.invalidatedSubcode] ?? "The session is invalid.";
    return { ...base, error: errors.tokenInvalidated(record.invalidatedSubcode, reason) };
  }
  const now = nowSeconds(services.clock);
  if (record.expiresAt !== null && record.expiresAt <= now) {
    return { ...base, error: errors.tokenExpired(formatSessionTime(record.expiresAt), formatSessionTime(now)) };
  }
  return { ...base, error: undefined };
}

/** Scopes that Meta grants per object (`granular_scopes[].target_ids`). */
const TARGETED = /^(pages_|leads_retrieval$|instagram_)/;

/** The `data` object of `GET /debug_token`, field order as Meta sends it. */
export async function debugTokenData(services: Services, insp: TokenInspection, appIdFallback?: string): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  const app = insp.app;
  if (app) {
    data.app_id = app.id;
    data.type = insp.type;
    data.application = app.name;
  } else if (appIdFallback !== undefined && insp.record) {
    data.app_id = appIdFallback;
  }
  const r = insp.record;
  if (r) {
    if (r.type !== "APP") data.data_access_expires_at = r.dataAccessExpiresAt ?? 0;
    data.expires_at = r.expiresAt ?? 0;
  }
  if (insp.error) {
    const err: Record<string, unknown> = { code: insp.error.code, message: insp.error.message };
    if (insp.error.subcode !== undefined) err.subcode = insp.error.subcode;
    data.error = err;
  }
  data.is_valid = insp.error === undefined;
  if (r) data.issued_at = r.issuedAt;
  const scopes = r ? [...r.scopes] : [];
  data.scopes = scopes;
  if (r && r.type !== "APP") {
    let targets: string[] = [];
    if (r.type === "PAGE" && r.pageId !== null) targets = [r.pageId];
    else if (r.userId !== null) targets = (await services.store.directory.rolesOfUser(r.userId)).map((x) => x.pageId);
    data.granular_scopes = scopes.map((scope) => (TARGETED.test(scope) && targets.length > 0 ? { scope, target_ids: targets } : { scope }));
  }
  if (r?.userId) data.user_id = r.userId;
  if (r?.type === "PAGE" && r.pageId !== null) data.profile_id = r.pageId;
  return data;
}
