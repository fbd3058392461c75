import type { z } from "zod";
import { revokeToken } from "../domain/access/invalidation.ts";
import { issueToken } from "../domain/access/token-issuer.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { TokenRecord } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import { debugTokenData, inspectToken } from "../graph/special/token-inspection.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, need, needRef, pageOf, timeField } from "./admin-kit.ts";
import { type issueTokenInput, tokensApi } from "./tokens-api.ts";
import { accessErrors } from "../domain/errors.ts";

export function renderToken(t: TokenRecord, now: number, appExists: boolean) {
  const expired = t.expiresAt !== null && t.expiresAt <= now;
  return {
    id: t.id,
    type: t.type,
    app_id: t.appId,
    user_id: t.userId,
    page_id: t.pageId,
    scopes: t.scopes,
    issued_at: t.issuedAt,
    expires_at: t.expiresAt ?? 0,
    data_access_expires_at: t.dataAccessExpiresAt ?? 0,
    long_lived: t.longLived,
    is_valid: appExists && !expired && t.invalidatedSubcode === null,
    invalidated_subcode: t.invalidatedSubcode ?? (appExists ? (expired ? 463 : null) : 458),
    label: t.label,
    display_prefix: t.displayPrefix,
  };
}

async function issue(services: Services, b: z.output<typeof issueTokenInput>) {
  const dir = services.store.directory;
  needRef(await dir.getApp(b.app_id), "app_id", "app", b.app_id);
  if (b.type !== "APP") {
    if (b.user_id === undefined) throw accessErrors.adminInvalid("user_id", `is required for ${b.type} tokens`);
    needRef(await dir.getUser(b.user_id), "user_id", "user", b.user_id);
  } else if (b.user_id !== undefined || b.page_id !== undefined) {
    throw accessErrors.adminInvalid(b.user_id !== undefined ? "user_id" : "page_id", "is not allowed for APP tokens");
  }
  if (b.type === "PAGE") {
    if (b.page_id === undefined) throw accessErrors.adminInvalid("page_id", "is required for PAGE tokens");
    needRef(await dir.getPage(b.page_id), "page_id", "page", b.page_id);
    const role = (await dir.rolesOfUser(b.user_id!)).find((r) => r.pageId === b.page_id);
    // Meta only makes page tokens for people with a task on the page.
    if (!role) throw accessErrors.adminInvalid("user_id", `has no role on page ${b.page_id}; give them tasks first`);
  } else if (b.page_id !== undefined) {
    throw accessErrors.adminInvalid("page_id", `is only allowed for PAGE tokens`);
  }
  if (b.token !== undefined && (await services.store.tokens.findByHash(services.hashToken(b.token)))) {
    throw conflict("A token with this text already exists");
  }
  if (b.token !== undefined && /^\d{1,20}\|/.test(b.token) && b.type !== "APP") {
    throw accessErrors.adminInvalid("token", "of the form APP_ID|… is only allowed for APP tokens");
  }
  const issued = await issueToken(services, {
    ...(b.token !== undefined ? { text: b.token } : {}),
    ...(b.issued_at !== undefined ? { issuedAt: timeField("issued_at", b.issued_at, 0) } : {}),
    type: b.type,
    appId: b.app_id,
    userId: b.user_id ?? null,
    pageId: b.page_id ?? null,
    scopes: b.scopes,
    longLived: b.long_lived ?? false,
    label: b.label ?? null,
    ...(b.expires_in === undefined ? {} : { expiresIn: b.expires_in === "never" ? null : b.expires_in }),
  });
  return { ...renderToken(issued.record, nowSeconds(services.clock), true), access_token: issued.text };
}

/**
 * Tokens: issued here (the text is in this one answer only; storage keeps a hash), listed,
 * revoked (190/467) and debugged (the `debug_token` view, for any app).
 */
export const tokensRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const store = services.store;
  const appIds = async () => new Set((await store.directory.listApps()).map((a) => a.id));

  add(tokensApi.list, async (call) => {
    const { query } = call;
    const f: { appId?: string; userId?: string; pageId?: string } = {};
    if (query.app_id) f.appId = query.app_id;
    if (query.user_id) f.userId = query.user_id;
    if (query.page_id) f.pageId = query.page_id;
    let list = await store.tokens.list(f);
    if (query.type) list = list.filter((t) => t.type === query.type);
    const apps = await appIds();
    const now = nowSeconds(services.clock);
    return pageOf(
      list,
      (t) => t.id,
      call,
      (t) => renderToken(t, now, apps.has(t.appId)),
    );
  });
  add(tokensApi.issue, async ({ body }) => issue(services, body));
  add(tokensApi.debug, async ({ body: b }) => {
    return { data: await debugTokenData(services, await inspectToken(services, b.access_token)) };
  });
  add(tokensApi.get, async ({ params }) => {
    const t = need(await store.catalog.getToken(params.id), "token", params.id);
    return renderToken(t, nowSeconds(services.clock), (await appIds()).has(t.appId));
  });
  add(tokensApi.revoke, async ({ params }) => {
    const t = need(await store.catalog.getToken(params.id), "token", params.id);
    const revoked = await revokeToken(store, t.id);
    return { success: true, revoked, ...(revoked ? {} : { already_invalid_subcode: t.invalidatedSubcode }) };
  });
};
