/**
 * Every call the console makes, in one place: the administration API (admin key as a Bearer token)
 * and the Graph API (page tokens the console session hands out). When the admin endpoints settle
 * after merge, adapting the console means editing this file only.
 */
import type { ConsoleSession, ConsoleSessionPage, FieldDatum, Lead as ContractLead, Page as GraphPage } from "../../contract/index.ts";

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

/** A Graph edge page (the console's paging type tolerates absent cursors on empty pages). */
export type ListResult<T> = Omit<GraphPage<T>, "paging"> & { paging?: Paging };

export type SessionPage = ConsoleSessionPage;
export type Session = ConsoleSession;

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

export type { FieldDatum };

/** A lead as the console reads it: the wire type, always with its time (the console asks for it). */
export type Lead = ContractLead & { created_time: string };

/** The webhook delivery log (webhooks issue: /_leadgraph/admin/webhooks/…); times in unix seconds. */
export interface Delivery {
  id: string;
  app_id: string;
  page_id: string;
  form_id: string;
  lead_id: string;
  ad_id: string | null;
  kind: "event" | "redelivery";
  redelivery_of: string | null;
  status: "pending" | "delivered" | "expired" | "dropped" | "cancelled";
  attempts: number;
  created_time: number | null;
  next_attempt_time: number | null;
  first_attempt_time: number | null;
  last_attempt_time: number | null;
  last_http_status: number | null;
  last_error: string | null;
  finished_time: number | null;
}

export interface Attempt {
  id: string;
  time: number;
  time_ms: number;
  kind: "delivery" | "duplicate" | "dropped";
  outcome: "success" | "failure" | "dropped";
  callback_url: string;
  http_status: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
  /** The exact bytes sent. */
  body: string;
  headers: Record<string, string>;
  change_count: number;
  delivery_ids?: string[];
}

export type DeliveryDetail = Omit<Delivery, "attempts"> & { attempts: Attempt[] };

export interface DeliveryFilter {
  status?: string;
  app_id?: string;
  page_id?: string;
  form_id?: string;
  lead_id?: string;
  /** Unix seconds. */
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
  reorder: boolean;
  pack_entries: boolean;
}

export interface AppSubscriptions {
  app_id: string;
  app_name: string;
  mode: string;
  subscriptions: { object: string; callback_url: string; fields: string[]; active: boolean; include_values?: boolean }[];
  failing_since: number | null;
  disabled_time: number | null;
  disabled_reason: string | null;
  faults: FaultSettings;
  auto_disable_hours: number;
}

export interface PageInstall {
  page_id: string;
  app_id: string;
  subscribed_fields: string[];
  created_time?: number;
}

export interface DisabledSubscription {
  app_id: string;
  disabled_time: number | null;
  disabled_reason: string | null;
  failing_since: number | null;
}

/** Access (access issue: /_leadgraph/admin/…). */
export interface AppInfo {
  id: string;
  name: string;
  mode: string;
  require_appsecret_proof?: boolean;
  roles?: { user_id: string; role: string }[];
}

export interface UserInfo {
  id: string;
  name: string;
}

export interface PageRoleInfo {
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
  /** 0 = never, as debug_token says it. */
  expires_at: number;
  is_valid?: boolean;
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
  /** Seconds from now, or "never". */
  expires_in: number | "never";
  label?: string;
}

export interface TokenDebug {
  /** The `debug_token` data object. */
  debug_token: Record<string, unknown>;
  /** The page's `has_lead_access` for the token's user and app. */
  has_lead_access?: Record<string, unknown>;
}

/** `null` when the page never customised the Leads Access Manager. */
export interface LeadAccessAssignment {
  lead_access: { user_ids: string[]; app_ids: string[] } | null;
}

export interface LimitUsage {
  page_id: string;
  page_name?: string;
  leads_90d?: number;
  /** Calls allowed in the rolling 24 hours. */
  budget: number;
  used: number;
  call_count?: number;
  limited?: boolean;
  forced_until?: number | null;
  estimated_time_to_regain_access?: number;
  /** The last 24 hours, oldest first (only on the per-page answer). */
  hourly?: { hour_start: number; calls: number }[];
}

export interface ClockState {
  mode: "manual" | "system";
  now: number;
  /** Set when the server has no clock endpoint and "now" came from the console session. */
  estimated?: boolean;
}

// ---------- transport ----------

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(SESSION_STORAGE);
  session = undefined;
}

/**
 * The console session (its page tokens included) is kept for the tab beside the admin key, so
 * reloads and new screens reuse its tokens instead of minting new ones. It is asked for again when
 * a token is refused (code 190, e.g. the manual clock moved past it) or when it is close to its
 * wall-clock hour.
 */
const SESSION_STORAGE = "leadgraph.consoleSession";
const SESSION_REUSE_MS = 50 * 60 * 1000;

interface StoredSession { session: Session; fetchedAt: number }

function restoreSession(): StoredSession | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION_STORAGE);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as StoredSession;
    return Date.now() - stored.fetchedAt < SESSION_REUSE_MS ? stored : undefined;
  } catch {
    return undefined;
  }
}

function keepSession(s: Session): void {
  session = s;
  sessionFetchedAt = Date.now();
  sessionStorage.setItem(SESSION_STORAGE, JSON.stringify({ session: s, fetchedAt: sessionFetchedAt } satisfies StoredSession));
}

const restored = restoreSession();
let session: Session | undefined = restored?.session;
let sessionLoading: Promise<Session> | undefined;
let sessionFetchedAt = restored?.fetchedAt ?? Date.now();

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
    // x-leadgraph-client: the erasure audit log records that a request came through the console.
    headers: { authorization: `Bearer ${key ?? ""}`, "x-leadgraph-client": "console", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await parse(res, path)) as T;
}

/** Signs in: the key is kept only when the server accepts it. */
export async function signIn(key: string): Promise<Session> {
  const s = await admin<Session>("POST", "console/session", undefined, key);
  sessionStorage.setItem(KEY_STORAGE, key);
  keepSession(s);
  return s;
}

export async function currentSession(refresh = false): Promise<Session> {
  if (session && !refresh && Date.now() - sessionFetchedAt < SESSION_REUSE_MS) return session;
  sessionLoading ??= admin<Session>("POST", "console/session").finally(() => {
    sessionLoading = undefined;
  });
  keepSession(await sessionLoading);
  return session!;
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
  ad_id?: string;
  platform?: string;
  created_time?: number;
  field_data: FieldDatum[];
}

export async function createAttributedLead(formId: string, l: AttributedLead): Promise<{ id: string }> {
  const r = await admin<{ ids: string[] }>("POST", `forms/${formId}/leads`, { leads: [l] });
  return { id: r.ids[0]! };
}

export const hostedFormUrl = (formId: string) => `/forms/${formId}`;

// ---------- export issue ----------

/** Meta's export URL; the page token travels in the query because the browser downloads it directly. */
export async function exportUrl(pageId: string, formId: string, format: "csv" | "tsv", q: Pick<LeadQuery, "from" | "until">): Promise<string> {
  const token = await pageToken(pageId);
  // to_date is inclusive; the console's "until" is exclusive like the leads filter.
  return `/ads/lead_gen/export_csv/${query({
    id: formId, type: "form", format, from_date: q.from, to_date: q.until === undefined ? undefined : q.until - 1, access_token: token,
  })}`;
}

export async function exportText(pageId: string, formId: string, format: "csv" | "tsv", q: Pick<LeadQuery, "from" | "until">): Promise<string> {
  const url = await exportUrl(pageId, formId, format, q);
  return (await parse(await fetch(url), "ads/lead_gen/export_csv")) as string;
}

export const limits = () => admin<ListResult<LimitUsage>>("GET", "limits?limit=100");
export const pageLimit = (pageId: string) => admin<LimitUsage>("GET", `limits/${pageId}`);
export const clock = () => admin<ClockState>("GET", "clock");
/** `advance` is a duration such as "1h" or "7d"; `set` unix seconds. */
export const setClock = (change: { set?: number; advance?: string }) => admin<ClockState>("POST", "clock", change);

// ---------- webhooks issue ----------

export const deliveries = (f: DeliveryFilter) => admin<ListResult<Delivery>>("GET", `webhooks/deliveries${query({ ...f })}`);
export const delivery = (id: string) => admin<DeliveryDetail>("GET", `webhooks/deliveries/${id}`);
/** Delivery attempts per minute by outcome with latency percentiles (src/admin/webhook-stats-routes.ts). */
export interface WebhookStatsCounts { delivered: number; failed: number; dropped: number; p50_ms: number | null; p95_ms: number | null; p99_ms: number | null }
export interface WebhookStats { since: number; until: number; bucket_seconds: number; data: (WebhookStatsCounts & { start_time: number })[]; totals: WebhookStatsCounts }
export const webhookStats = (minutes = 60) => admin<WebhookStats>("GET", `webhooks/stats${query({ minutes })}`);
export const redeliver = (id: string) => admin<{ success: boolean; id: string }>("POST", `webhooks/deliveries/${id}/redeliver`, {});
/** Redelivers an app's deliveries created since `since` (and before `until`), optionally of one status. */
export const redeliverRange = (f: { app_id: string; since: number; until?: number; status?: string }) =>
  admin<{ success: boolean; count: number; ids: string[]; skipped: RedeliverySkipped[] }>("POST", "webhooks/redeliver", f);

/** Deliveries a range redelivery left out: the app is no longer installed on their page. */
export interface RedeliverySkipped {
  page_id: string;
  reason: string;
  count: number;
}
export const subscriptions = () => admin<ListResult<AppSubscriptions>>("GET", "webhooks/subscriptions");
export const installs = () => admin<ListResult<PageInstall>>("GET", "webhooks/installs");
export const faults = (appId: string) => admin<FaultSettings>("GET", `webhooks/subscriptions/${appId}/faults`);
export const setFaults = (appId: string, f: Partial<FaultSettings>) => admin<FaultSettings>("POST", `webhooks/subscriptions/${appId}/faults`, f);
export const disabledSubscriptions = () => admin<ListResult<DisabledSubscription>>("GET", "webhooks/disabled");
/** Points an app's page subscription at a callback again (what re-enables a disabled one). */
export const resubscribe = (appId: string, callbackUrl: string, skipVerification = true) =>
  admin<{ success: boolean }>("POST", `webhooks/subscriptions/${appId}`, { callback_url: callbackUrl, skip_verification: skipVerification });

// ---------- access issue ----------

export const apps = () => admin<ListResult<AppInfo>>("GET", "apps?limit=100");
export const users = () => admin<ListResult<UserInfo>>("GET", "users?limit=100");
export const pageRoles = (pageId: string) => admin<ListResult<PageRoleInfo>>("GET", `pages/${pageId}/roles`);
export const tokens = () => admin<ListResult<TokenInfo>>("GET", "tokens?limit=100");
export const createToken = (t: NewToken) => admin<TokenInfo & { access_token: string }>("POST", "tokens", t);
export const revokeToken = (id: string) => admin<{ success: boolean }>("DELETE", `tokens/${id}`);
export const leadAccess = (pageId: string) => admin<LeadAccessAssignment>("GET", `pages/${pageId}/lead_access`);

/**
 * The debug view: `debug_token` through the admin API, then the page's `has_lead_access` for that
 * token's user and app, read with the console's own page token (so it answers even when the
 * debugged token cannot see the page at all).
 */
export async function debugToken(token: string, pageId: string): Promise<TokenDebug> {
  const { data } = await admin<{ data: Record<string, unknown> }>("POST", "tokens/debug", { access_token: token });
  const userId = typeof data.user_id === "string" ? data.user_id : undefined;
  const appId = typeof data.app_id === "string" ? data.app_id : undefined;
  const mods = `${userId ? `.user_id(${userId})` : ""}${appId ? `.app_id(${appId})` : ""}`;
  try {
    const page = await graph<{ has_lead_access?: Record<string, unknown> }>(pageId, "GET", pageId, { fields: `has_lead_access${mods}` });
    return { debug_token: data, ...(page.has_lead_access ? { has_lead_access: page.has_lead_access } : {}) };
  } catch (e) {
    // A build without has_lead_access still shows debug_token.
    if (e instanceof ApiError && e.graph?.code === 100) return { debug_token: data };
    throw e;
  }
}

/** The server's "now" (its clock may be manual): the clock endpoint, else the session's clock moved on by wall time. */
export async function serverNow(): Promise<ClockState> {
  try {
    return await clock();
  } catch (e) {
    if (!(e instanceof ApiError && e.unavailable)) throw e;
    const s = await currentSession();
    const elapsed = s.clock === "manual" ? 0 : Math.floor((Date.now() - sessionFetchedAt) / 1000);
    return { mode: s.clock, now: s.now + elapsed, estimated: true };
  }
}

// ---------- erasure (docs/data-protection.md) ----------

export interface Erasure {
  id: string;
  time: string;
  kind: "lead" | "person" | "retention";
  matched_by: string | null;
  leads_erased: number;
  lead_ids: string[];
  form_ids: string[];
  page_ids: string[];
  deliveries_cancelled: number;
  already_delivered: number;
}
export interface ErasureAnswer { success: boolean; erasure: Erasure; not_recalled: string }
export interface PersonQuery { email?: string; phone?: string }
export interface ErasurePreview { leads_matched: number; lead_ids: string[]; form_ids: string[]; page_ids: string[]; matched_by: string | null }

export const eraseLead = (leadId: string) => admin<ErasureAnswer>("DELETE", `leads/${leadId}`);
export const previewPersonErasure = (q: PersonQuery) => admin<ErasurePreview>("POST", "erasures", { ...q, dry_run: true });
export const erasePerson = (q: PersonQuery) => admin<ErasureAnswer>("POST", "erasures", q);
