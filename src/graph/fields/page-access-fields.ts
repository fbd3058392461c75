import { leadAccessDecision } from "../../domain/access/lead-access.ts";
import { issueToken } from "../../domain/access/token-issuer.ts";
import type { PageRecord } from "../../domain/model.ts";
import { errors } from "../../domain/errors.ts";
import type { FieldResolver } from "../selection.ts";

/**
 * `access_token` on a Page: a page token for the caller's user, made from the calling token.
 * From a short-lived user token it expires with it; from a long-lived or system-user token it never
 * expires. Each read mints a fresh token (only hashes are kept, so an old one cannot be shown again).
 */
const accessToken: FieldResolver<PageRecord> = async (ctx, page) => {
  const caller = ctx.caller;
  if (caller.userId === null) return undefined;
  const parent = caller.token;
  const { text } = await issueToken(ctx.services, {
    type: "PAGE",
    appId: caller.app.id,
    userId: caller.userId,
    pageId: page.id,
    scopes: [...caller.scopes],
    ...(parent ? { parent } : { longLived: true }),
  });
  return text;
};

const modifier = (v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const t = String(v).trim();
  if (!/^\d{1,20}$/.test(t))
    throw errors.invalidParam(`Modifiers user_id and app_id of has_lead_access must be a numeric id - got "${t.slice(0, 40)}"`);
  return t;
};

/** `has_lead_access` (HasLeadAccess), for the caller or `.user_id(X).app_id(Y)`: why leads can or cannot be read. */
const hasLeadAccess: FieldResolver<PageRecord> = async (ctx, page, sel) => {
  const userId = modifier(sel.modifiers.user_id) ?? ctx.caller.userId;
  const appId = modifier(sel.modifiers.app_id) ?? ctx.caller.app.id;
  const tasks =
    userId === null ? undefined : (await ctx.services.store.directory.pageRoles(page.id)).find((r) => r.userId === userId)?.tasks;
  const d = leadAccessDecision(page, userId, appId, tasks);
  const out: Record<string, unknown> = {
    app_has_leads_permission: d.appHasLeadsPermission,
    can_access_lead: d.canAccessLead,
    enabled_lead_access_manager: d.enabledLeadAccessManager,
  };
  if (d.failureReason !== undefined) out.failure_reason = d.failureReason;
  if (d.failureResolution !== undefined) out.failure_resolution = d.failureResolution;
  out.is_page_admin = d.isPageAdmin;
  out.page_id = page.id;
  out.user_has_leads_permission = d.userHasLeadsPermission;
  if (userId !== null) out.user_id = userId;
  return out;
};

export const pageAccessFields: Record<string, FieldResolver<PageRecord>> = {
  access_token: accessToken,
  has_lead_access: hasLeadAccess,
};

export const pageAccessFieldModifiers: Record<string, readonly string[]> = {
  has_lead_access: ["user_id", "app_id"],
};
