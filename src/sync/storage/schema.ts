/** Row types of the sync database (its own schema, apart from the server's). Times: ms for local events, s for lead times. */
export interface SyncLeadsTable {
  id: string;
  page_id: string;
  form_id: string;
  ad_id: string | null;
  ad_name: string | null;
  adset_id: string | null;
  adset_name: string | null;
  campaign_id: string | null;
  campaign_name: string | null;
  /** Unix seconds. */
  created_time: number;
  /** 0/1, null when Graph did not say. */
  is_organic: number | null;
  platform: string | null;
  partner_name: string | null;
  retailer_item_id: string | null;
  /** JSON text: `[{name, values}]` as Graph returned it. */
  field_data: string;
  /** JSON text or null. */
  custom_disclaimer_responses: string | null;
  /** `webhook` or `reconcile`: which path stored it first. */
  source: string;
  stored_at: number;
  /** 1 while the lead still has to be forwarded. */
  forward_pending: number;
  forward_attempts: number;
  forward_next_at: number;
}

export interface SyncJobsTable {
  lead_id: string;
  page_id: string;
  form_id: string;
  ad_id: string | null;
  received_at: number;
  attempts: number;
  next_attempt_at: number;
  /** pending | done | failed */
  status: string;
  last_error: string | null;
}

export interface SyncFormsTable {
  id: string;
  page_id: string;
  name: string | null;
  /** Newest lead created_time seen by a completed reconciliation (unix seconds), 0 before the first. */
  high_water: number;
  last_reconciled_at: number | null;
  last_error: string | null;
  /** Lower bound (unix s, 0 = none) of an unfinished pass; null when no pass is unfinished. */
  pass_since: number | null;
  /** Exclusive upper bound still to read in the unfinished pass: leads at or above it are stored. */
  pass_until: number | null;
  /** Newest created_time the unfinished pass saw (becomes the high-water mark when it completes). */
  pass_newest: number | null;
}

export interface SyncStateTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface SyncDatabase {
  sync_leads: SyncLeadsTable;
  sync_jobs: SyncJobsTable;
  sync_forms: SyncFormsTable;
  sync_state: SyncStateTable;
  sync_erased: SyncErasedTable;
  sync_erasure_audit: SyncErasureAuditTable;
}

/** An erased lead's id: its tombstone, so the lead is never stored again. */
export interface SyncErasedTable {
  lead_id: string;
  erased_at: number;
}

/** One erasure; ids as a JSON array, identifiers as keyed hashes only. */
export interface SyncErasureAuditTable {
  id: string;
  at_ms: number;
  /** `lead` or `person`. */
  kind: string;
  matched_by: string | null;
  identifier_hashes: string;
  /** `api` (the sync read API) or `cli`. */
  via: string;
  reference: string | null;
  lead_ids: string;
  lead_count: number;
}
