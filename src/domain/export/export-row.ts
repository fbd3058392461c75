import type { AdAttribution, FormRecord, LeadRecord } from "../model.ts";
import { formatGraphTime } from "../time.ts";

export const FIXED_COLUMNS = [
  "id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name",
  "form_id", "form_name", "is_organic", "platform",
] as const;

/** The columns of a form's export: the fixed ones, each question key in form order, each disclaimer checkbox. */
export interface ExportColumns {
  header: string[];
  questionKeys: string[];
  checkboxKeys: string[];
}

export function exportColumns(form: FormRecord): ExportColumns {
  const questionKeys = form.spec.questions.map((q) => q.key);
  const checkboxKeys = (form.spec.customDisclaimer?.checkboxes ?? []).map((c) => c.key);
  return { header: [...FIXED_COLUMNS, ...questionKeys, ...checkboxKeys], questionKeys, checkboxKeys };
}

/** Multiple answers to one question (multiple choice) share one cell. */
export const VALUE_SEPARATOR = ",";

/**
 * One lead as a row. `ad` is the attribution the requester may see: undefined for organic leads,
 * for ad-preview (test) submissions and when the requester lacks advertiser privilege on the ad
 * account — the three reasons the seed gives for empty ad columns.
 */
export function exportRow(cols: ExportColumns, form: FormRecord, lead: LeadRecord, ad: AdAttribution | undefined): string[] {
  const answers = new Map(lead.fieldData.map((d) => [d.name, d.values.join(VALUE_SEPARATOR)]));
  const checks = new Map(lead.disclaimerResponses.map((r) => [r.checkbox_key, r.is_checked]));
  const row = [
    lead.id,
    formatGraphTime(lead.createdTime),
    ad?.adId ?? "", ad?.adName ?? "", ad?.adsetId ?? "", ad?.adsetName ?? "", ad?.campaignId ?? "", ad?.campaignName ?? "",
    form.id,
    form.name,
    lead.isOrganic ? "1" : "0",
    lead.platform,
  ];
  for (const k of cols.questionKeys) row.push(answers.get(k) ?? "");
  for (const k of cols.checkboxKeys) row.push(checks.get(k) ?? "");
  return row;
}
