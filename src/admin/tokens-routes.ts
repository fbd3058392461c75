import { CONSOLE_TOKEN_LABEL } from "../domain/access/console-token.ts";
import { z } from "zod";
import { revokeToken } from "../domain/access/invalidation.ts";
import { issueToken } from "../domain/access/token-issuer.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { TokenRecord } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import { debugTokenData, inspectToken } from "../graph/special/token-inspection.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, need, needRef, pageOf, parseBody, timeField } from "./admin-kit.ts";
import { numericId, strict, timeInput } from "./schemas.ts";
import { accessErrors } from "../domain/errors.ts";

const tokenType = z.enum(["USER", "PAGE", "APP", "SYSTEM_USER"]);
const issueInput = strict({
  type: tokenType,
  app_id: numericId,
  user_id: numericId.optional(),
  page_id: numericId.optional(),
  scopes: z.array(z.string().regex(/^[a-z_]{2,64}$/, "must be permission names such as leads_retrieval")).default([]),
  /** Seconds from now, or "never"/null; the kind's own lifetime when absent. */
  expires_in: z.union([z.number().int().positive(), z.literal("never"), z.null()]).optional(),
  long_lived: z.boolean().optional(),
  // Reserved: tokens with the console's label are not metered (src/domain/rate-limit/console-reads-unmetered.ts).
  label: z.string().max(200).refine((l) => l !== CONSOLE_TOKEN_LABEL, `"${CONSOLE_TOKEN_LABEL}" is reserved for the developer console's own tokens; choose another label`).optional(),
  /** A chosen token text, as world files allow (otherwise a random one is made). */
  token: z.string().min(8).max(1024).regex(/^\S+$/, "must not contain white space").optional(),
  issued_at: timeInput.optional(),
});

export function renderToken(t: TokenRecord, now: number, appExists: boolean) {
  const expired = t.expiresAt !== null && t.expiresAt <= now;
  return {
    id: t.id, type: t.type, app_id: t.appId, user_id: t.userId, page_id: t.pageId, scopes: t.scopes,
    issued_at: t.issuedAt, expires_at: t.expiresAt ?? 0, data_access_expires_at: t.dataAccessExpiresAt ?? 0,
    long_lived: t.longLived, is_valid: appExists && !expired && t.invalidatedSubcode === null,
    invalidated_subcode: t.invalidatedSubcode ?? (appExists ? (expired ? 463 : null) : 458),
    label: t.label, display_prefix: t.displayPrefix,
  };
}

async function issue(services: Services, body: unknown) {
  const b = parseBody(issueInput, body);
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
    type: b.type, appId: b.app_id, userId: b.user_id ?? null, pageId: b.page_id ?? null, scopes: b.scopes,
    longLived: b.long_lived ?? false, label: b.label ?? null,
    ...(b.expires_in === undefined ? {} : { expiresIn: b.expires_in === "never" ? null : b.expires_in }),
  });
  return { ...renderToken(issued.record, nowSeconds(services.clock), true), access_token: issued.text };
}

/**
 * Tokens: issued here (the text is in this one answer only; storage keeps a hash), listed,
 * revoked (190/467) and debugged (the `debug_token` view, for any app).
 */
export const tokensRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const store = services.store;
  const appIds = async () => new Set((await store.directory.listApps()).map((a) => a.id));

  r.get("/tokens", async (req) => {
    const f: { appId?: string; userId?: string; pageId?: string } = {};
    if (req.query.app_id) f.appId = req.query.app_id;
    if (req.query.user_id) f.userId = req.query.user_id;
    if (req.query.page_id) f.pageId = req.query.page_id;
    let list = await store.tokens.list(f);
    if (req.query.type) list = list.filter((t) => t.type === req.query.type);
    const apps = await appIds();
    const now = nowSeconds(services.clock);
    return pageOf(list, (t) => t.id, req, (t) => renderToken(t, now, apps.has(t.appId)));
  });
  r.post("/tokens", async (req) => issue(services, req.body));
  r.post("/tokens/debug", async (req) => {
    const b = parseBody(strict({ access_token: z.string().min(1).max(1024) }), req.body);
    return { data: await debugTokenData(services, await inspectToken(services, b.access_token)) };
  });
  r.get("/tokens/:id", async (req) => {
    const t = need(await store.catalog.getToken(req.params.id!), "token", req.params.id!);
    return renderToken(t, nowSeconds(services.clock), (await appIds()).has(t.appId));
  });
  r.delete("/tokens/:id", async (req) => {
    const t = need(await store.catalog.getToken(req.params.id!), "token", req.params.id!);
    const revoked = await revokeToken(store, t.id);
    return { success: true, revoked, ...(revoked ? {} : { already_invalid_subcode: t.invalidatedSubcode }) };
  });
};
