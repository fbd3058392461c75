import { errors, isUnknownObjectError } from "../../domain/errors.ts";
import type { AdRecord } from "../../domain/model.ts";
import { formatGraphTime } from "../../domain/time.ts";
import type { GraphContext } from "../context.ts";
import { leadsEdgeOf } from "../edges/leads-edge.ts";
import type { GraphNode } from "../graph-node.ts";
import type { ObjectShape } from "../selection.ts";

/** An ad with the ids of its parents and the page of the form it uses. */
export interface AdView {
  ad: AdRecord;
  campaignId: string;
  accountId: string;
  pageId: string | null;
}

export const adShape: ObjectShape<AdView> = {
  typeName: "Ad",
  defaultFields: ["id"],
  fields: {
    id: (_c, v) => v.ad.id,
    name: (_c, v) => v.ad.name,
    adset_id: (_c, v) => v.ad.adsetId,
    campaign_id: (_c, v) => v.campaignId,
    account_id: (_c, v) => v.accountId.replace(/^act_/, ""),
    status: (_c, v) => v.ad.status,
    configured_status: (_c, v) => v.ad.status,
    effective_status: (_c, v) => v.ad.status,
    created_time: (_c, v) => formatGraphTime(v.ad.createdTime),
  },
};

/**
 * An ad is visible to whoever can see the page of its lead form, or has a role on its ad account.
 * Its leads edge additionally needs lead access to that page.
 */
export async function loadVisibleAd(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<AdView> {
  const store = ctx.services.store;
  const ad = await store.directory.getAd(id);
  const attribution = ad && (await store.directory.attributions([ad.id])).get(ad.id);
  if (!ad || !attribution) throw errors.unknownObject(id, method);
  const form = ad.formId === null ? undefined : await store.forms.get(ad.formId);
  const view: AdView = { ad, campaignId: attribution.campaignId, accountId: attribution.accountId, pageId: form?.pageId ?? null };
  if (view.pageId !== null) {
    try {
      await ctx.services.policy.assertCanSeePage(ctx.caller, view.pageId, id);
      return view;
    } catch (e) {
      // An advertiser on the account sees the ad even without the page; any other answer (190/492
      // for a page token whose user lost their role on the page) stands.
      if (!isUnknownObjectError(e)) throw e;
    }
  }
  if (ctx.caller.userId !== null) {
    const roles = await store.directory.adAccountRoles(view.accountId);
    if (roles.some((r) => r.userId === ctx.caller.userId)) return view;
  }
  throw errors.unknownObject(id, method);
}

export const adNode: GraphNode<AdView> = {
  kind: "ad",
  shape: adShape,
  load: loadVisibleAd,
  edges: {
    leads: leadsEdgeOf((v: AdView) => ({ id: v.ad.id, pageId: v.pageId, column: "adId" })),
  },
};
