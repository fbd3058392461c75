import type { AdAttribution, DisclaimerResponse, FieldDatum, FormRecord } from "../model.ts";
import { formatGraphTime } from "../time.ts";
import type { ExportLead } from "./export-source.ts";

export const FIXED_COLUMNS = [
  "id",
  "created_time",
  "ad_id",
  "ad_name",
  "adset_id",
  "adset_name",
  "campaign_id",
  "campaign_name",
  "form_id",
  "form_name",
  "is_organic",
  "platform",
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

const NO_AD = ["", "", "", "", "", ""] as const;
const AD_AT = FIXED_COLUMNS.indexOf("ad_id");

/**
 * Turns leads of one form into rows. Everything that is the same for every row (the form's cells,
 * where each answer goes) is worked out once per export, so a row costs one JSON.parse per stored
 * column and a few array stores.
 *
 * `ad` is the attribution the requester may see: undefined for organic leads, for ad-preview (test)
 * submissions and when the requester lacks advertiser privilege on the ad account — the three
 * reasons the seed gives for empty ad columns.
 */
export class ExportRowBuilder {
  readonly columns: ExportColumns;
  readonly #formId: string;
  readonly #formName: string;
  /** Cell index of each question key and each checkbox key. */
  readonly #questionAt: Map<string, number>;
  readonly #checkboxAt: Map<string, number>;
  #lastAd: AdAttribution | undefined;
  #lastAdCells: readonly string[] = NO_AD;

  constructor(form: FormRecord) {
    this.columns = exportColumns(form);
    this.#formId = form.id;
    this.#formName = form.name;
    const first = FIXED_COLUMNS.length;
    // Question keys are unique within a form, as are checkbox keys (form-definition.ts refuses repeats).
    this.#questionAt = new Map(this.columns.questionKeys.map((k, i) => [k, first + i]));
    this.#checkboxAt = new Map(this.columns.checkboxKeys.map((k, i) => [k, first + this.columns.questionKeys.length + i]));
  }

  row(lead: ExportLead, ad: AdAttribution | undefined): string[] {
    const row = new Array<string>(this.columns.header.length).fill("");
    row[0] = lead.id;
    row[1] = formatGraphTime(lead.createdTime);
    const adCells = ad ? this.#adCells(ad) : NO_AD;
    for (let i = 0; i < adCells.length; i++) row[AD_AT + i] = adCells[i]!;
    row[8] = this.#formId;
    row[9] = this.#formName;
    row[10] = lead.isOrganic ? "1" : "0";
    row[11] = lead.platform;
    // As before: an answer to a question the form does not have is dropped; a repeated answer's
    // last value wins.
    for (const d of JSON.parse(lead.fieldData) as FieldDatum[]) {
      const at = this.#questionAt.get(d.name);
      if (at !== undefined) row[at] = d.values.join(VALUE_SEPARATOR);
    }
    for (const r of JSON.parse(lead.disclaimerResponses) as DisclaimerResponse[]) {
      const at = this.#checkboxAt.get(r.checkbox_key);
      if (at !== undefined) row[at] = r.is_checked;
    }
    return row;
  }

  /** Consecutive leads mostly come from the same ad: its six cells are built once per run of them. */
  #adCells(ad: AdAttribution): readonly string[] {
    if (ad !== this.#lastAd) {
      this.#lastAd = ad;
      this.#lastAdCells = [ad.adId, ad.adName, ad.adsetId, ad.adsetName, ad.campaignId, ad.campaignName];
    }
    return this.#lastAdCells;
  }
}
