import type { LeadRecord } from "../../src/domain/model.ts";

/** A lead record as the store takes it: an organic Facebook lead of form 8001 on page 3001 unless `extra` says otherwise. */
export const leadRecord = (id: string, createdTime: number, extra: Partial<LeadRecord> = {}): LeadRecord => ({
  id,
  formId: "8001",
  pageId: "3001",
  adId: null,
  adsetId: null,
  campaignId: null,
  accountId: null,
  createdTime,
  platform: "fb",
  isOrganic: true,
  isTest: false,
  fieldData: [{ name: "full_name", values: [`Lead ${id}`] }],
  disclaimerResponses: [],
  partnerName: null,
  retailerItemId: null,
  createdByAppId: null,
  createdByUserId: null,
  submitterUserId: null,
  source: "import",
  externalId: null,
  ...extra,
});
