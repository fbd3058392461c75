import type { Lead } from "../contract/index.ts";
import type { StoredLead } from "./storage/sync-store.ts";

/** `2026-11-20T10:00:00+0000` → unix seconds. */
export function graphTimeToSeconds(t: string | undefined): number {
  if (!t) return 0;
  const iso = t.replace(/([+-]\d\d)(\d\d)$/, "$1:$2");
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** unix seconds → `2026-11-20T10:00:00+0000`. */
export function secondsToGraphTime(s: number): string {
  return new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "+0000");
}

/** A Graph lead as a sync row (form and page attribution kept; missing ad fields stay null). */
export function leadToRow(
  lead: Lead,
  pageId: string,
  fallbackFormId: string,
  source: "webhook" | "reconcile",
  nowMs: number,
  forward: boolean,
): StoredLead {
  return {
    id: lead.id,
    page_id: pageId,
    form_id: lead.form_id ?? fallbackFormId,
    ad_id: lead.ad_id ?? null,
    ad_name: lead.ad_name ?? null,
    adset_id: lead.adset_id ?? null,
    adset_name: lead.adset_name ?? null,
    campaign_id: lead.campaign_id ?? null,
    campaign_name: lead.campaign_name ?? null,
    created_time: graphTimeToSeconds(lead.created_time),
    is_organic: lead.is_organic === undefined ? null : lead.is_organic ? 1 : 0,
    platform: lead.platform ?? null,
    partner_name: lead.partner_name ?? null,
    retailer_item_id: lead.retailer_item_id ?? null,
    field_data: JSON.stringify(lead.field_data ?? []),
    custom_disclaimer_responses: lead.custom_disclaimer_responses ? JSON.stringify(lead.custom_disclaimer_responses) : null,
    source,
    stored_at: nowMs,
    forward_pending: forward ? 1 : 0,
    forward_attempts: 0,
    forward_next_at: 0,
  };
}

/** A sync row back in Graph's lead shape (plus page_id), for the read API and exports. */
export function rowToLead(r: StoredLead): Lead & { page_id: string } {
  const out: Lead & { page_id: string } = {
    id: r.id,
    created_time: secondsToGraphTime(r.created_time),
    page_id: r.page_id,
    form_id: r.form_id,
  };
  if (r.ad_id) out.ad_id = r.ad_id;
  if (r.ad_name) out.ad_name = r.ad_name;
  if (r.adset_id) out.adset_id = r.adset_id;
  if (r.adset_name) out.adset_name = r.adset_name;
  if (r.campaign_id) out.campaign_id = r.campaign_id;
  if (r.campaign_name) out.campaign_name = r.campaign_name;
  out.field_data = JSON.parse(r.field_data);
  if (r.custom_disclaimer_responses) out.custom_disclaimer_responses = JSON.parse(r.custom_disclaimer_responses);
  if (r.is_organic !== null) out.is_organic = r.is_organic === 1;
  if (r.platform) out.platform = r.platform;
  if (r.partner_name) out.partner_name = r.partner_name;
  if (r.retailer_item_id) out.retailer_item_id = r.retailer_item_id;
  return out;
}
