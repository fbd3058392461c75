import type { LeadsTable } from "../schema.ts";

/** Every column of a lead, in the order inserts bind them. */
export const LEAD_COLUMNS = [
  "id",
  "form_id",
  "page_id",
  "ad_id",
  "adset_id",
  "campaign_id",
  "account_id",
  "created_time",
  "platform",
  "is_organic",
  "is_test",
  "field_data",
  "disclaimer_responses",
  "partner_name",
  "retailer_item_id",
  "created_by_app_id",
  "created_by_user_id",
  "submitter_user_id",
  "source",
  "external_id",
] as const satisfies readonly (keyof LeadsTable)[];
