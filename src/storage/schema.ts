import type { Generated } from "kysely";

/**
 * Row types for Kysely, one interface per table. Booleans are stored as 0/1 integers and JSON as
 * text on both dialects, so every query is the same on SQLite and PostgreSQL.
 */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface AppsTable {
  id: string;
  name: string;
  secret_enc: string;
  mode: string;
  created_time: number;
  require_appsecret_proof: number;
}
export interface AppRolesTable {
  app_id: string;
  user_id: string;
  role: string;
}
export interface UsersTable {
  id: string;
  name: string;
}
export interface PagesTable {
  id: string;
  name: string;
  category: string;
  lead_access: string | null;
  created_time: number;
}
export interface PageRolesTable {
  page_id: string;
  user_id: string;
  tasks: string;
}
export interface PageLocationsTable {
  page_id: string;
  store_number: string;
  name: string;
  street: string;
  city: string;
  zip: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
}
export interface AdAccountsTable {
  id: string;
  name: string;
}
export interface AdAccountRolesTable {
  account_id: string;
  user_id: string;
  role: string;
}
export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
}
export interface AdSetsTable {
  id: string;
  campaign_id: string;
  name: string;
}
export interface AdsTable {
  id: string;
  adset_id: string;
  name: string;
  form_id: string | null;
  status: string;
  created_time: number;
}
export interface FormsTable {
  id: string;
  page_id: string;
  name: string;
  status: string;
  locale: string;
  created_time: number;
  spec: string;
  leads_count: number;
  organic_leads_count: number;
}
export interface LeadsTable {
  id: string;
  form_id: string;
  page_id: string;
  ad_id: string | null;
  adset_id: string | null;
  campaign_id: string | null;
  account_id: string | null;
  created_time: number;
  platform: string;
  is_organic: number;
  is_test: number;
  field_data: string;
  disclaimer_responses: string;
  partner_name: string | null;
  retailer_item_id: string | null;
  created_by_app_id: string | null;
  created_by_user_id: string | null;
  submitter_user_id: string | null;
  source: string;
  external_id: string | null;
}
export interface TokensTable {
  id: string;
  token_hash: string;
  display_prefix: string;
  type: string;
  app_id: string;
  user_id: string | null;
  page_id: string | null;
  scopes: string;
  issued_at: number;
  expires_at: number | null;
  data_access_expires_at: number | null;
  long_lived: number;
  invalidated_subcode: number | null;
  invalidated_reason: string | null;
  label: string | null;
}
export interface LeadEventsTable {
  id: string;
  lead_id: string;
  page_id: string;
  form_id: string;
  ad_id: string | null;
  created_time: number;
  enqueued_at: number;
  fanned_out: number;
}
export interface WebhookSubscriptionsTable {
  app_id: string;
  object: string;
  callback_url: string;
  fields: string;
  verify_token: string;
  include_values: number;
  active: number;
  created_time: number;
  /** JSON `{field: "vNN.N"}`, the version each field was subscribed with; null on rows made before it was kept. */
  field_versions?: string | null;
  failing_since_ms?: number | null;
  disabled_ms?: number | null;
  disabled_reason?: string | null;
}
export interface PageInstallsTable {
  page_id: string;
  app_id: string;
  subscribed_fields: string;
  created_time: number;
}
export interface InstancesTable {
  node: number;
  started_at: number;
  heartbeat_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string | null;
  app_id: string;
  page_id: string;
  form_id: string;
  lead_id: string;
  ad_id: string | null;
  lead_created_time: number;
  kind: string;
  redelivery_of: string | null;
  status: string;
  attempts: number;
  created_ms: number;
  next_attempt_ms: number;
  first_attempt_ms: number | null;
  last_attempt_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  finished_ms: number | null;
  lease_owner: string | null;
  lease_until: number | null;
}
export interface WebhookAttemptsTable {
  id: string;
  app_id: string;
  page_id: string;
  callback_url: string;
  at_ms: number;
  kind: string;
  outcome: string;
  http_status: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
  body: string;
  signature_256: string;
  signature_1: string;
  change_count: number;
  instance: string;
}
export interface WebhookAttemptDeliveriesTable {
  attempt_id: string;
  delivery_id: string;
}
export interface WebhookAppSettingsTable {
  app_id: string;
  faults: string;
  auto_disable_hours: number | null;
}
export interface LeadRatePagesTable {
  page_id: string;
  forced_until: number | null;
}
/** `cum`: every call charged to the page up to and including this bucket (a running total). */
export interface LeadRateUsageTable {
  page_id: string;
  bucket: number;
  calls: number;
  cum: Generated<number>;
}

export interface Database {
  settings: SettingsTable;
  apps: AppsTable;
  app_roles: AppRolesTable;
  users: UsersTable;
  pages: PagesTable;
  page_roles: PageRolesTable;
  page_locations: PageLocationsTable;
  ad_accounts: AdAccountsTable;
  ad_account_roles: AdAccountRolesTable;
  campaigns: CampaignsTable;
  adsets: AdSetsTable;
  ads: AdsTable;
  forms: FormsTable;
  leads: LeadsTable;
  tokens: TokensTable;
  lead_events: LeadEventsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  page_installs: PageInstallsTable;
  instances: InstancesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_attempt_deliveries: WebhookAttemptDeliveriesTable;
  webhook_app_settings: WebhookAppSettingsTable;
  lead_rate_pages: LeadRatePagesTable;
  lead_rate_usage: LeadRateUsageTable;
  directory_generation: DirectoryGenerationTable;
  erasure_audit: ErasureAuditTable;
  attempt_counters: AttemptCountersTable;
}

/** Failed credentials and form submissions per key per fixed window (migration 0013). */
export interface AttemptCountersTable {
  key: string;
  window_start: number | string;
  attempts: number | string;
}

/** One row (id 1): bumped by triggers on every change to a table the SQLite read cache keeps. */
export interface DirectoryGenerationTable {
  id: number;
  n: number;
}

/** One erasure: ids and counts as JSON arrays of text, identifiers as keyed hashes only. */
export interface ErasureAuditTable {
  id: string;
  at_ms: number;
  kind: string;
  matched_by: string | null;
  identifier_hashes: string;
  actor: string;
  via: string;
  reference: string | null;
  lead_ids: string;
  form_ids: string;
  page_ids: string;
  lead_count: number;
  deliveries_cancelled: number;
  already_delivered: number;
  detail: string | null;
}
