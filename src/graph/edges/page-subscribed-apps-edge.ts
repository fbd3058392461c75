import { errors } from "../../domain/errors.ts";
import type { PageRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import type { GraphEdge } from "../graph-node.ts";
import { APP_CATEGORY, appLink } from "../nodes/app-node.ts";
import { listParam } from "../params.ts";

export const PAGE_SUBSCRIPTION_SCOPE = "pages_manage_metadata";

/**
 * Installing an app on a page takes that page's token with `pages_manage_metadata`; the installed
 * app is the token's app.
 */
function assertPageToken(ctx: GraphContext, page: PageRecord): void {
  if (ctx.caller.type !== "PAGE" || ctx.caller.pageId !== page.id) throw errors.pageTokenRequired();
  if (!ctx.caller.scopes.has(PAGE_SUBSCRIPTION_SCOPE)) throw errors.permissionMissing(PAGE_SUBSCRIPTION_SCOPE);
}

export const pageSubscribedAppsEdge: GraphEdge<PageRecord> = {
  async read(ctx, page) {
    assertPageToken(ctx, page);
    const store = ctx.services.store;
    const data = [];
    for (const inst of await store.subscriptions.installsOfPage(page.id)) {
      const app = await store.directory.getApp(inst.appId);
      if (!app) continue;
      data.push({ category: APP_CATEGORY, link: appLink(app.id), name: app.name, id: app.id, subscribed_fields: inst.subscribedFields });
    }
    return { data };
  },

  async create(ctx, page, params) {
    assertPageToken(ctx, page);
    const fields = listParam(params, "subscribed_fields");
    if (!fields || fields.length === 0) throw errors.paramRequired("subscribed_fields");
    if (fields.length > 50) throw errors.invalidParam("Param subscribed_fields can name at most 50 fields");
    for (const f of fields)
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(f))
        throw errors.invalidParam(`Param subscribed_fields[0] must be one of the Page webhook fields - got "${f.slice(0, 40)}"`);
    const store = ctx.services.store;
    const existing = (await store.subscriptions.installsOfPage(page.id)).find((i) => i.appId === ctx.caller.app.id);
    // The posted list replaces the app's fields on this page, as Graph does.
    await store.subscriptions.upsertInstall({
      pageId: page.id,
      appId: ctx.caller.app.id,
      subscribedFields: [...new Set(fields)],
      createdTime: existing?.createdTime ?? ctx.nowSeconds(),
    });
    return { success: true };
  },

  async remove(ctx, page) {
    assertPageToken(ctx, page);
    await ctx.services.store.subscriptions.removeInstall(page.id, ctx.caller.app.id);
    return { success: true };
  },
};
