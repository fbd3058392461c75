import { accessErrors, errors, webhookErrors } from "../../domain/errors.ts";
import type { AppRecord } from "../../domain/model.ts";
import { verifyCallback } from "../../dispatcher/index.ts";
import type { GraphContext } from "../context.ts";
import type { GraphEdge } from "../graph-node.ts";
import { boolParam, listParam, type Params, stringParam } from "../params.ts";

/** Objects Meta lets an app subscribe to; only `page` produces deliveries here (leadgen). */
export const SUBSCRIPTION_OBJECTS = [
  "page",
  "user",
  "permissions",
  "payments",
  "application",
  "instagram",
  "whatsapp_business_account",
] as const;

const VERIFY_TIMEOUT_MS = 10_000;

/**
 * `/{app-id}/subscriptions` takes the app's own app token only: any other token kind answers Meta's
 * (#15), another app's app token (#10).
 */
function assertAppToken(ctx: GraphContext, app: AppRecord): void {
  if (ctx.caller.type !== "APP") throw accessErrors.appTokenRequired();
  if (ctx.caller.app.id !== app.id) throw errors.permissionDenied("Application does not have permission for this action");
}

function objectParam(params: Params, required: boolean): string | undefined {
  const object = stringParam(params, "object")?.trim();
  if (object === undefined || object === "") {
    if (required) throw errors.paramRequired("object");
    return undefined;
  }
  if (!(SUBSCRIPTION_OBJECTS as readonly string[]).includes(object)) throw errors.paramEnum("object", SUBSCRIPTION_OBJECTS, object);
  return object;
}

/** A `version` sent with the subscription (`v21.0`); the path's version otherwise. */
function versionParam(params: Params): string | undefined {
  const v = stringParam(params, "version")?.trim();
  if (v === undefined || v === "") return undefined;
  if (!/^v\d{1,3}\.\d{1,2}$/.test(v))
    throw errors.invalidParam(`Param version must be a Graph API version like v25.0, got "${v.slice(0, 20)}"`);
  return v;
}

export const appSubscriptionsEdge: GraphEdge<AppRecord> = {
  async read(ctx, app) {
    assertAppToken(ctx, app);
    const subs = await ctx.services.store.subscriptions.listForApp(app.id);
    return {
      data: subs.map((s) => ({
        object: s.object,
        callback_url: s.callbackUrl,
        active: s.active,
        // As subscribed; a subscription made before versions were kept reports the path's.
        fields: s.fields.map((name) => ({ name, version: s.fieldVersions?.[name] ?? ctx.version })),
      })),
    };
  },

  async create(ctx, app, params) {
    assertAppToken(ctx, app);
    const object = objectParam(params, true)!;
    const callbackUrl = stringParam(params, "callback_url")?.trim();
    if (!callbackUrl) throw errors.paramRequired("callback_url");
    let parsed: URL | undefined;
    try {
      parsed = new URL(callbackUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw errors.invalidParam("callback_url URL is not properly formatted");
    }
    const fields = listParam(params, "fields");
    if (!fields || fields.length === 0) throw errors.paramRequired("fields");
    for (const f of fields)
      if (!/^[a-z][a-z0-9_]*$/.test(f)) throw errors.invalidParam(`Param fields contains an invalid field name "${f.slice(0, 40)}"`);
    const verifyToken = stringParam(params, "verify_token");
    if (verifyToken === undefined || verifyToken === "") throw errors.paramRequired("verify_token");
    const includeValues = boolParam(params, "include_values") ?? true;
    const version = versionParam(params) ?? ctx.version;

    const result = await verifyCallback(ctx.services.outbound, callbackUrl, verifyToken, VERIFY_TIMEOUT_MS);
    if (!result.ok) throw webhookErrors.callbackVerificationFailed(result.detail);

    const store = ctx.services.store;
    const existing = (await store.subscriptions.listForApp(app.id)).find((s) => s.object === object);
    // Posting again adds fields to the object's subscription and moves it to the new callback.
    // The fields posted now take this call's version; the others keep theirs.
    const merged = [...new Set([...(existing?.fields ?? []), ...fields])];
    const fieldVersions = { ...(existing?.fieldVersions ?? {}), ...Object.fromEntries(fields.map((f) => [f, version])) };
    await store.subscriptions.upsert({
      appId: app.id,
      object,
      callbackUrl,
      fields: merged,
      verifyToken,
      includeValues,
      active: true,
      createdTime: existing?.createdTime ?? ctx.nowSeconds(),
      fieldVersions,
    });
    return { success: true };
  },

  async remove(ctx, app, params) {
    assertAppToken(ctx, app);
    const object = objectParam(params, false);
    const fields = listParam(params, "fields");
    const store = ctx.services.store;
    if (fields === undefined || fields.length === 0) {
      await store.subscriptions.remove(app.id, object);
      return { success: true };
    }
    for (const sub of await store.subscriptions.listForApp(app.id)) {
      if (object !== undefined && sub.object !== object) continue;
      const left = sub.fields.filter((f) => !fields.includes(f));
      if (left.length === 0) await store.subscriptions.remove(app.id, sub.object);
      else {
        const fieldVersions = sub.fieldVersions
          ? Object.fromEntries(Object.entries(sub.fieldVersions).filter(([f]) => left.includes(f)))
          : undefined;
        await store.subscriptions.upsert({ ...sub, fields: left, ...(fieldVersions ? { fieldVersions } : {}) });
      }
    }
    return { success: true };
  },
};
