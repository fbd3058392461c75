/**
 * Wire types of the Graph lead-retrieval surface, shared by the server and the client. They
 * describe JSON as it travels: ids are strings, times are Graph datetime strings.
 */

/** `2015-02-28T08:49:14+0000` */
export type GraphDateTime = string;

export interface FieldDatum {
  name: string;
  values: string[];
}

export interface DisclaimerResponse {
  checkbox_key: string;
  /** `"1"` when checked, `""` when not. */
  is_checked: string;
}

export interface Lead {
  id: string;
  created_time?: GraphDateTime;
  ad_id?: string;
  ad_name?: string;
  adset_id?: string;
  adset_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  form_id?: string;
  field_data?: FieldDatum[];
  custom_disclaimer_responses?: DisclaimerResponse[];
  is_organic?: boolean;
  platform?: string;
  partner_name?: string;
  retailer_item_id?: string;
}

export const LEAD_FIELDS = [
  "id",
  "created_time",
  "ad_id",
  "ad_name",
  "adset_id",
  "adset_name",
  "campaign_id",
  "campaign_name",
  "form_id",
  "field_data",
  "custom_disclaimer_responses",
  "is_organic",
  "platform",
  "partner_name",
  "retailer_item_id",
] as const;

/** What `GET /{lead-id}` and the leads edges answer when `fields` is absent (as the seed document shows). */
export const LEAD_DEFAULT_FIELDS = ["created_time", "id", "ad_id", "form_id", "field_data"] as const;

export interface LeadGenQuestionOption {
  key: string;
  value: string;
}

export interface LeadGenQuestion {
  id: string;
  key: string;
  label: string;
  type: string;
  options?: LeadGenQuestionOption[];
  inline_context?: string;
  conditional_questions_group_id?: string;
  conditional_questions_choices?: unknown[];
  dependent_conditional_questions?: unknown[];
}

export interface LeadgenForm {
  id: string;
  name?: string;
  status?: "ACTIVE" | "ARCHIVED" | "DELETED" | "DRAFT";
  locale?: string;
  created_time?: GraphDateTime;
  questions?: LeadGenQuestion[];
  leads_count?: number;
  expired_leads_count?: number;
  organic_leads_count?: number;
  page?: { name: string; id: string };
  page_id?: string;
  privacy_policy_url?: string;
  follow_up_action_url?: string;
  thank_you_page?: Record<string, unknown>;
  context_card?: Record<string, unknown>;
  legal_content?: Record<string, unknown>;
  tracking_parameters?: { key: string; value: string }[];
  block_display_for_non_targeted_viewer?: boolean;
  is_optimized_for_quality?: boolean;
  question_page_custom_headline?: string;
}

export interface Paging {
  cursors?: { before: string; after: string };
  next?: string;
  previous?: string;
}

export interface Page<T> {
  data: T[];
  paging?: Paging;
  summary?: { total_count: number };
}

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

/** One `leadgen` change of a webhook POST. Ad fields are absent for organic and test leads. */
export interface LeadgenChangeValue {
  leadgen_id: string;
  page_id: string;
  form_id: string;
  adgroup_id?: string;
  ad_id?: string;
  created_time: number;
}

export interface LeadgenWebhookBody {
  object: "page";
  entry: {
    id: string;
    time: number;
    changes: { field: "leadgen"; value: LeadgenChangeValue }[];
  }[];
}

/** `X-Business-Use-Case-Usage` value: page id → usage entries. */
export type BusinessUseCaseUsage = Record<
  string,
  { type: string; call_count: number; total_cputime: number; total_time: number; estimated_time_to_regain_access: number }[]
>;

/** `{"success": true}` answered by Graph writes such as subscriptions and page installs. */
export interface SuccessResponse {
  success: boolean;
}

/** One clause of the leads-edge `filtering` parameter (Meta documents `time_created` only). */
export interface LeadFilterClause {
  field: "time_created";
  operator: "LESS_THAN" | "GREATER_THAN" | "GREATER_THAN_OR_EQUAL";
  /** Unix seconds. */
  value: number;
}

/** `GET /debug_token` answer body (`data`). `expires_at: 0` means the token never expires. */
export interface DebugTokenData {
  app_id?: string;
  type?: "USER" | "PAGE" | "APP" | "SYSTEM_USER";
  application?: string;
  expires_at?: number;
  data_access_expires_at?: number;
  issued_at?: number;
  is_valid: boolean;
  scopes?: string[];
  granular_scopes?: { scope: string; target_ids?: string[] }[];
  user_id?: string;
  profile_id?: string;
  error?: { code: number; message: string; subcode?: number };
}

/** `X-App-Usage` (and the legacy `X-Page-Usage`) value: percentages of the hourly allowance. */
export interface AppUsage {
  call_count: number;
  total_time: number;
  total_cputime: number;
}

/** Graph error codes that mean "too many calls, wait": lead BUC 80005, app 4, user 17, page 32, custom 613, page BUC 80001. */
export const RATE_LIMIT_CODES = [80005, 4, 17, 32, 613, 80001, 80000, 80003, 80004, 80006, 80008, 80009, 80014] as const;

/** Graph error codes that are transient by nature (unknown error, service unavailable). */
export const TRANSIENT_CODES = [1, 2] as const;

/** One page of `POST /_leadgraph/admin/console/session` (leadgraph's console, beyond Meta). */
export interface ConsoleSessionPage {
  id: string;
  name: string;
  category: string;
  /** A page token the console reads this page's forms and leads with; absent when none can be made. */
  access_token?: string;
  app_id?: string;
  user_id?: string;
  expires_at?: number;
  /** Why no token could be made, in plain words. */
  unavailable_reason?: string;
}

/** `POST /_leadgraph/admin/console/session`: a token per page, and the server's clock and version. */
export interface ConsoleSession {
  data: ConsoleSessionPage[];
  now: number;
  clock: "manual" | "system";
  graph_version: string;
}
