import type { AdAttribution, LeadRecord } from "../../domain/model.ts";
import { errors, isUnknownObjectError } from "../../domain/errors.ts";
import { isExpired } from "../../domain/retention.ts";
import { formatGraphTime } from "../../domain/time.ts";
import { LEAD_DEFAULT_FIELDS } from "../../contract/index.ts";
import type { GraphContext } from "../context.ts";
import type { GraphNode } from "../graph-node.ts";
import { deleteOwnLead } from "./lead-delete.ts";
import type { FieldResolver, ObjectShape } from "../selection.ts";

/** A lead ready to render: attribution present only when the caller may see ad-level fields. */
export interface LeadView {
  lead: LeadRecord;
  ad: AdAttribution | undefined;
}

/** Resolves attribution for many leads at once (one query, one permission check per ad account). */
export async function prepareLeads(ctx: GraphContext, leads: readonly LeadRecord[]): Promise<LeadView[]> {
  const adIds = [...new Set(leads.map((l) => l.adId).filter((x): x is string => x !== null))];
  const attributions = adIds.length ? await ctx.services.store.directory.attributions(adIds) : new Map<string, AdAttribution>();
  const accounts = [...new Set([...attributions.values()].map((a) => a.accountId))];
  const visible = new Set<string>();
  for (const account of accounts) if (await ctx.adFieldsVisible(account)) visible.add(account);
  return leads.map((lead) => {
    const ad = lead.adId === null ? undefined : attributions.get(lead.adId);
    return { lead, ad: ad && visible.has(ad.accountId) ? ad : undefined };
  });
}

const adField =
  (pick: (a: AdAttribution) => string): FieldResolver<LeadView> =>
  (_c, v) =>
    v.ad ? pick(v.ad) : undefined;

export const leadShape: ObjectShape<LeadView> = {
  typeName: "Lead",
  defaultFields: LEAD_DEFAULT_FIELDS,
  fields: {
    id: (_c, v) => v.lead.id,
    created_time: (_c, v) => formatGraphTime(v.lead.createdTime),
    ad_id: adField((a) => a.adId),
    ad_name: adField((a) => a.adName),
    adset_id: adField((a) => a.adsetId),
    adset_name: adField((a) => a.adsetName),
    campaign_id: adField((a) => a.campaignId),
    campaign_name: adField((a) => a.campaignName),
    ad: async (ctx, v, sel) => {
      // Expansion follows ad-field visibility: no attribution shown, no ad object either.
      if (!v.ad) return undefined;
      const ad = await ctx.services.store.directory.getAd(v.ad.adId);
      if (!ad) return undefined;
      const view = { ad, campaignId: v.ad.campaignId, accountId: v.ad.accountId, pageId: v.lead.pageId };
      return ctx.renderKind("ad", view, ad.id, sel.children);
    },
    form_id: (_c, v) => v.lead.formId,
    field_data: (_c, v) => v.lead.fieldData,
    custom_disclaimer_responses: (_c, v) => v.lead.disclaimerResponses,
    is_organic: (_c, v) => v.lead.isOrganic,
    platform: (_c, v) => v.lead.platform,
    partner_name: (_c, v) => v.lead.partnerName ?? undefined,
    retailer_item_id: (_c, v) => v.lead.retailerItemId ?? undefined,
  },
};

/**
 * Loads a lead for this caller: leads past the 90-day retention look like missing objects; the
 * caller must be able to read the page's leads; the read is charged to the page's rate limit.
 */
export async function loadVisibleLead(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<LeadRecord> {
  const lead = await ctx.lead(id);
  if (!lead || isExpired(lead.createdTime, ctx.nowSeconds())) throw errors.unknownObject(id, method);
  try {
    await ctx.services.policy.assertCanReadLeads(ctx.caller, lead.pageId, id);
  } catch (e) {
    // The policy answers as for a read; a POST or DELETE on an unseen lead names its own method.
    if (method !== "get" && isUnknownObjectError(e)) throw errors.unknownObject(id, method);
    throw e;
  }
  if (!(await ctx.services.policy.leadVisible(ctx.caller, lead))) throw errors.unknownObject(id, method);
  return lead;
}

export const leadNode: GraphNode<LeadView> = {
  kind: "lead",
  shape: leadShape,
  async load(ctx, id, method) {
    const lead = await loadVisibleLead(ctx, id, method);
    const [view] = await prepareLeads(ctx, [lead]);
    return view!;
  },
  async beforeRender(ctx, view) {
    await ctx.services.meter.charge(ctx.caller, view.lead.pageId, 1, ctx.usage);
  },
  edges: {},
  remove: (ctx, view) => deleteOwnLead(ctx, view.lead),
};
