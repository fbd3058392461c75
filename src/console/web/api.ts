/**
 * Every call the console makes, in one place: the administration API (admin key as a Bearer token)
 * and the Graph API (page tokens the console session hands out). When the admin endpoints settle
 * after merge, adapting the console means editing this file only.
 */

const KEY_STORAGE = "leadgraph.adminKey";
export const GRAPH_VERSION = "v25.0";

// ---------- wire shapes ----------

export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly graph: GraphErrorBody | undefined;
  readonly path: string;
  constructor(status: number, path: string, graph: GraphErrorBody | undefined, fallback: string) {
    super(graph?.message ?? fallback);
    this.status = status;
    this.graph = graph;
    this.path = path;
  }
  /** The server has no such endpoint (not merged into this build yet). */
  get unavailable(): boolean {
    return this.status === 404 || (this.graph?.code === 2500 && this.message.startsWith("Unknown path components"));
  }
  get badAdminKey(): boolean {
    return this.status === 401 && this.graph?.code === 190;
  }
}

export interface Paging {
  cursors?: { before?: string; after?: string };
  next?: string;
  previous?: string;
}

export interface ListResult<T> {
  data: T[];
  paging?: Paging;
  summary?: { total_count: number };
}

export interface SessionPage {
  id: string;
  name: string;
  category: string;
  access_token?: string;
  app_id?: string;
  user_id?: string;
  expires_at?: number;
  unavailable_reason?: string;
}

export interface Session {
  data: SessionPage[];
  now: number;
  clock: "manual" | "system";
  graph_version: string;
}

export interface FormSummary {
  id: string;
  name: string;
  status: string;
  locale: string;
  created_time: string;
  leads_count?: number;
  page_id?: string;
}

export interface QuestionOption {
  key: string;
  value: string;
}

export interface Question {
  key: string;
  label: string;
  type: string;
  id: string;
  options?: QuestionOption[];
  inline_context?: string;
}

export interface FormDetail extends FormSummary {
  questions: Question[];
  organic_leads_count?: number;
  privacy_policy_url?: string;
  legal_content?: {
    privacy_policy?: { url: string; link_text?: string };
    custom_disclaimer?: { title?: string; body?: { text: string }; checkboxes?: { key: string; text: string; is_required?: boolean; is_checked_by_default?: boolean }[] };
  };
  context_card?: { title?: string; content?: string[]; style?: string };
  thank_you_page?: { title?: string; body?: string; button_text?: string; website_url?: string };
  page?: { id: string; name: string };
}

export interface FieldDatum {
  name: string;
  values: string[];
}

export interface Lead {
  id: string;
  created_time: string;
  form_id?: string;
  ad_id?: string;
  ad_name?: string;
  adset_id?: string;
  adset_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  field_data?: FieldDatum[];
  custom_disclaimer_responses?: { checkbox_key: string; is_checked: string }[];
  is_organic?: boolean;
  platform?: string;
  partner_name?: string;
  retailer_item_id?: string;
}

/** The webhook delivery log (webhooks issue: /_leadgraph/admin/webhooks/…). */
export interface Delivery {
  id: string;
  app_id: string;
  page_id: string;
  form_id: string;
  lead_id: string;
  ad_id: string | null;
  kind: "event" | "redelivery";
  redelivery_of: string | null;
  status: "pending" | "delivered" | "expired" | "dropped";
  attempts: number;
  created_ms: number;
  next_attempt_ms: number;
  last_attempt_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  finished_ms: number | null;
}

export interface Attempt {
  id: string;
  app_id: string;
  page_id: string;
  callback_url: string;
  at_ms: number;
  kind: "delivery" | "duplicate" | "dropped";
  outcome: "success" | "failure" | "dropped";
  http_status: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
  body: string;
  signature_256: string;
  signature_1: string;
  change_count: number;
}

export interface DeliveryDetail extends Delivery {
  attempts_log: Attempt[];
}

export interface DeliveryFilter {
  status?: string;
  app_id?: string;
  page_id?: string;
  lead_id?: string;
  since?: number;
  until?: number;
  limit?: number;
  after?: string;
}

export interface FaultSettings {
  drop_percent: number;
  duplicate_percent: number;
  delay_ms: number;
  delay_jitter_ms: number;
  split: boolean;
  shuffle: boolean;
}

export interface Subscription {
  app_id: string;
  object: string;
  callback_url: string;
  fields: string[];
  active: boolean;
  disabled_reason?: string | null;
}

export interface PageInstall {
  page_id: string;
  app_id: string;
  subscribed_fields: string[];
}

/** Access (access issue: /_leadgraph/admin/…). */
export interface AppInfo {
  id: string;
  name: string;
  mode: string;
  require_appsecret_proof?: boolean;
}

export interface UserInfo {
  id: string;
  name: string;
}

export interface PageRoleInfo {
  page_id: string;
  user_id: string;
  tasks: string[];
}

export interface TokenInfo {
  id: string;
  type: string;
  app_id: string;
  user_id: string | null;
  page_id: string | null;
  scopes: string[];
  issued_at: number;
  expires_at: number | null;
  invalidated_subcode: number | null;
  label: string | null;
  display_prefix: string;
}

export interface NewToken {
  type: "USER" | "PAGE" | "SYSTEM_USER";
  app_id: string;
  user_id?: string;
  page_id?: string;
  scopes: string[];
  /** Seconds from now; null never expires. */
  expires_in: number | null;
  label?: string;
}

export interface TokenDebug {
  debug_token: Record<string, unknown>;
  has_lead_access?: Record<string, unknown>;
  /** Plain-words reasons, when the server gives them. */
  explanation?: string[];
}

export interface LeadAccessAssignment {
  page_id: string;
  enabled: boolean;
  user_ids: string[];
  app_ids: string[];
}

export interface LimitUsage {
  page_id: string;
  budget: number;
  window_seconds?: number;
  used?: number;
  /** Calls per hour, oldest first, over the last 24 hours. */
  hourly: { hour: number; calls: number }[];
}

export interface ClockState {
  mode: "manual" | "system";
  now: number;
}

// ---------- transport ----------

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
  session = undefined;
}

let session: Session | undefined;
let sessionLoading: Promise<Session> | undefined;
let sessionFetchedAt = Date.now();

async function parse(res: Response, path: string): Promise<unknown> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    // CSV and HTML answers stay text
  }
  if (!res.ok) {
    const graph = typeof body === "object" && body !== null && "error" in body ? (body as { error: GraphErrorBody }).error : undefined;
    throw new ApiError(res.status, path, graph, `${res.status} ${res.statusText}`);
  }
  return body;
}

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function admin<T>(method: string, path: string, body?: unknown, key = storedKey()): Promise<T> {
  const res = await fetch(`/_leadgraph/admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${key ?? ""}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await parse(res, path)) as T;
}

/** Signs in: the key is kept only when the server accepts it. */
export async function signIn(key: string): Promise<Session> {
  const s = await admin<Session>("POST", "console/session", undefined, key);
  sessionStorage.setItem(KEY_STORAGE, key);
  session = s;
  sessionFetchedAt = Date.now();
  return s;
}

export async function currentSession(refresh = false): Promise<Session> {
  if (session && !refresh) return session;
  sessionLoading ??= admin<Session>("POST", "console/session").finally(() => {
    sessionLoading = undefined;
  });
  session = await sessionLoading;
  sessionFetchedAt = Date.now();
  return session;
}

export async function pageToken(pageId: string, refresh = false): Promise<string> {
  const s = await currentSession(refresh);
  const page = s.data.find((p) => p.id === pageId);
  if (!page) throw new ApiError(400, pageId, undefined, `Unknown page ${pageId}`);
  if (!page.access_token) throw new ApiError(400, pageId, undefined, page.unavailable_reason ?? "No token for this page");
  return page.access_token;
}

type Params = Record<string, string | number | boolean | undefined | null>;

/** A Graph call as a page; a console token that expired (the clock may have moved) is renewed once. */
export async function graph<T>(pageId: string, method: "GET" | "POST" | "DELETE", path: string, params: Params = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const token = await pageToken(pageId, attempt > 0);
    const res = await fetch(`/${GRAPH_VERSION}/${path}${method === "GET" ? query(params) : ""}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(method !== "GET" ? { "content-type": "application/json" } : {}) },
      ...(method !== "GET" ? { body: JSON.stringify(params) } : {}),
    });
    try {
      return (await parse(res, path)) as T;
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.graph?.code === 190) continue;
      throw e;
    }
  }
}

/** Follows a Graph `paging.next`/`previous` link as returned (absolute, token included by the server or not). */
export async function graphLink<T>(pageId: string, link: string): Promise<T> {
  const token = await pageToken(pageId);
  const url = new URL(link, location.origin);
  const res = await fetch(`${url.pathname}${url.search}`, { headers: { authorization: `Bearer ${token}` } });
  return (await parse(res, url.pathname)) as T;
}

// ---------- Graph reads ----------

export const FORM_LIST_FIELDS = "id,name,status,locale,created_time,leads_count";
export const FORM_DETAIL_FIELDS = "id,name,status,locale,created_time,leads_count,organic_leads_count,questions,privacy_policy_url,legal_content,context_card,thank_you_page,page";
export const LEAD_LIST_FIELDS = "id,created_time,ad_id,ad_name,campaign_name,form_id,platform,is_organic,field_data";
export const LEAD_DETAIL_FIELDS = "id,created_time,form_id,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,field_data,custom_disclaimer_responses,is_organic,platform,partner_name,retailer_item_id";

export async function formsOfPage(pageId: string): Promise<FormSummary[]> {
  const out: FormSummary[] = [];
  let page = await graph<ListResult<FormSummary>>(pageId, "GET", `${pageId}/leadgen_forms`, { fields: FORM_LIST_FIELDS, limit: 100 });
  for (;;) {
    out.push(...page.data.map((f) => ({ ...f, page_id: pageId })));
    if (!page.paging?.next) return out;
    page = await graphLink<ListResult<FormSummary>>(pageId, page.paging.next);
  }
}

export const form = (pageId: string, formId: string) => graph<FormDetail>(pageId, "GET", formId, { fields: FORM_DETAIL_FIELDS });

export interface LeadQuery {
  /** Unix seconds, inclusive. */
  from?: number;
  /** Unix seconds, exclusive. */
  until?: number;
  /** Read the ad's leads instead of the form's. */
  adId?: string;
  limit?: number;
  after?: string;
  before?: string;
  summary?: boolean;
}

export function filteringOf(q: Pick<LeadQuery, "from" | "until">): string | undefined {
  const f: { field: string; operator: string; value: number }[] = [];
  if (q.from !== undefined) f.push({ field: "time_created", operator: "GREATER_THAN_OR_EQUAL", value: q.from });
  if (q.until !== undefined) f.push({ field: "time_created", operator: "LESS_THAN", value: q.until });
  return f.length ? JSON.stringify(f) : undefined;
}

/** One page of leads, newest first, by keyset cursor: constant cost however deep the page. */
export const leads = (pageId: string, formId: string, q: LeadQuery) =>
  graph<ListResult<Lead>>(pageId, "GET", `${q.adId || formId}/leads`, {
    fields: LEAD_LIST_FIELDS, limit: q.limit ?? 50, filtering: filteringOf(q), after: q.after, before: q.before,
    summary: q.summary ? true : undefined,
  });

export async function leadCount(pageId: string, formId: string, from: number): Promise<number> {
  const r = await graph<ListResult<Lead>>(pageId, "GET", `${formId}/leads`, { fields: "id", limit: 1, summary: true, filtering: filteringOf({ from }) });
  return r.summary?.total_count ?? 0;
}

/** A lead read with the token of the page that owns it (tried page by page when not known). */
export async function lead(leadId: string, pageHint?: string): Promise<{ lead: Lead; pageId: string }> {
  const s = await currentSession();
  const pages = [...s.data].sort((a, b) => Number(b.id === pageHint) - Number(a.id === pageHint)).filter((p) => p.access_token);
  let last: unknown;
  for (const p of pages) {
    try {
      return { lead: await graph<Lead>(p.id, "GET", leadId, { fields: LEAD_DETAIL_FIELDS }), pageId: p.id };
    } catch (e) {
      last = e;
      if (!(e instanceof ApiError) || e.graph?.code !== 100) throw e;
    }
  }
  throw last ?? new ApiError(400, leadId, undefined, `Lead ${leadId} not found`);
}

// ---------- forms issue ----------

export const setFormStatus = (pageId: string, formId: string, status: "ACTIVE" | "ARCHIVED") =>
  graph<{ success: boolean }>(pageId, "POST", formId, { status });

export const createTestLead = (pageId: string, formId: string, fieldData: FieldDatum[]) =>
  graph<{ id: string }>(pageId, "POST", `${formId}/test_leads`, { field_data: JSON.stringify(fieldData) });

export interface AttributedLead {
  form_id: string;
  ad_id?: string;
  platform?: string;
  is_organic?: boolean;
  field_data: FieldDatum[];
  created_time?: number;
}

export const createAttributedLead = (l: AttributedLead) => admin<{ id: string }>("POST", "leads", l);

export const hostedFormUrl = (formId: string) => `/forms/${formId}`;

// ---------- export issue ----------

/** Meta's export URL; the page token travels in the query because the browser downloads it directly. */
export async function exportUrl(pageId: string, formId: string, format: "csv" | "tsv", q: Pick<LeadQuery, "from" | "until">): Promise<string> {
  const token = await pageToken(pageId);
  return `/ads/lead_gen/export_csv/${query({
    id: formId, type: "form", format: format === "tsv" ? "tsv" : undefined, from_date: q.from, to_date: q.until, access_token: token,
  })}`;
}

export async function exportText(pageId: string, formId: string, format: "csv" | "tsv", q: Pick<LeadQuery, "from" | "until">): Promise<string> {
  const url = await exportUrl(pageId, formId, format, q);
  return (await parse(await fetch(url), "ads/lead_gen/export_csv")) as string;
}

export const limits = () => admin<ListResult<LimitUsage>>("GET", "limits");
export const clock = () => admin<ClockState>("GET", "clock");
export const setClock = (change: { set?: number; advance?: number; mode?: "manual" | "system" }) => admin<ClockState>("POST", "clock", change);

// ---------- webhooks issue ----------

export const deliveries = (f: DeliveryFilter) => admin<ListResult<Delivery>>("GET", `webhooks/deliveries${query({ ...f })}`);
export const delivery = (id: string) => admin<DeliveryDetail>("GET", `webhooks/deliveries/${id}`);
export const redeliver = (id: string) => admin<{ id: string }>("POST", `webhooks/deliveries/${id}/redeliver`, {});
export const redeliverRange = (f: Omit<DeliveryFilter, "limit" | "after">) => admin<{ count: number }>("POST", "webhooks/redeliver", f);
export const subscriptions = () => admin<ListResult<Subscription>>("GET", "webhooks/subscriptions");
export const installs = () => admin<ListResult<PageInstall>>("GET", "webhooks/installs");
export const faults = () => admin<FaultSettings>("GET", "webhooks/faults");
export const setFaults = (f: Partial<FaultSettings>) => admin<FaultSettings>("PUT", "webhooks/faults", f);
export const disabledSubscriptions = () => admin<ListResult<Subscription>>("GET", "webhooks/disabled");
export const enableSubscription = (appId: string) => admin<{ success: boolean }>("POST", `webhooks/disabled/${appId}/enable`, {});

// ---------- access issue ----------

export const apps = () => admin<ListResult<AppInfo>>("GET", "apps");
export const users = () => admin<ListResult<UserInfo>>("GET", "users");
export const pageRoles = (pageId: string) => admin<ListResult<PageRoleInfo>>("GET", `pages/${pageId}/roles`);
export const tokens = () => admin<ListResult<TokenInfo>>("GET", "tokens");
export const createToken = (t: NewToken) => admin<TokenInfo & { access_token: string }>("POST", "tokens", t);
export const revokeToken = (id: string) => admin<{ success: boolean }>("DELETE", `tokens/${id}`);
export const debugToken = (token: string, pageId?: string) => admin<TokenDebug>("GET", `debug/token${query({ input_token: token, page_id: pageId })}`);
export const leadAccess = (pageId: string) => admin<LeadAccessAssignment>("GET", `pages/${pageId}/lead_access`);

/** The server's "now" (its clock may be manual): the clock endpoint, else the session's clock moved on by wall time. */
export async function serverNow(): Promise<ClockState> {
  try {
    return await clock();
  } catch (e) {
    if (!(e instanceof ApiError && e.unavailable)) throw e;
    const s = await currentSession();
    const elapsed = s.clock === "manual" ? 0 : Math.floor((Date.now() - sessionFetchedAt) / 1000);
    return { mode: s.clock, now: s.now + elapsed };
  }
}
