import type { LeadgenChangeValue, LeadgenWebhookBody } from "../../contract/index.ts";
import { escapedJson } from "./escaped-json.ts";

/** What one lead contributes to a webhook POST. */
export interface LeadgenChange {
  leadId: string;
  pageId: string;
  formId: string;
  /** null for organic and test leads: the ad fields are then omitted. */
  adId: string | null;
  createdTime: number;
}

/** Most changes Meta puts in one POST. */
export const MAX_CHANGES_PER_POST = 1000;

/** Default cap on a POST body: under the 100 kB `express.json()` and Meta's sample receiver accept. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The `value` object, keys in the order of Meta's documentation samples. */
export function changeValue(c: LeadgenChange): LeadgenChangeValue {
  const v: LeadgenChangeValue = { leadgen_id: c.leadId, page_id: c.pageId, form_id: c.formId, created_time: c.createdTime };
  if (c.adId === null) return v;
  return { leadgen_id: c.leadId, page_id: c.pageId, form_id: c.formId, adgroup_id: c.adId, ad_id: c.adId, created_time: c.createdTime };
}

/**
 * One POST body for one page with every change in one entry (the `packEntries` fault's shape; the
 * dispatcher's own layout is in post-packing.ts). `time` is when it is sent, not when the leads were created.
 */
export function leadgenBody(pageId: string, sentAtSeconds: number, changes: readonly LeadgenChange[]): LeadgenWebhookBody {
  return {
    object: "page",
    entry: [{ id: pageId, time: sentAtSeconds, changes: changes.map((c) => ({ field: "leadgen" as const, value: changeValue(c) })) }],
  };
}

/** The exact bytes sent and signed. */
export function serializeLeadgenBody(pageId: string, sentAtSeconds: number, changes: readonly LeadgenChange[]): string {
  return escapedJson(leadgenBody(pageId, sentAtSeconds, changes));
}
