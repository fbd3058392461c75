/**
 * Every call the console makes, in one place: the administration API (admin key as a Bearer token)
 * and the Graph API (page tokens the console session hands out), so a change to an admin endpoint's
 * shape is adapted here only.
 */
import type { ConsoleSession, ConsoleSessionPage, FieldDatum, Lead as ContractLead, Page as GraphPage } from "../../contract/index.ts";
import type { AdminBody, AdminQuery, AdminResponse, AdminRouteSpec } from "../../admin/admin-spec.ts";
import type { appsApi } from "../../admin/apps-api.ts";
import type { clockApi } from "../../admin/clock-api.ts";
import type { erasureApi } from "../../admin/erasure-api.ts";
import type { formsApi } from "../../admin/forms-api.ts";
import type { limitsApi } from "../../admin/limits-api.ts";
import type { pagesApi } from "../../admin/pages-api.ts";
import type { tokensApi } from "../../admin/tokens-api.ts";
import type { usersApi } from "../../admin/users-api.ts";
import type { webhookStatsApi } from "../../admin/webhook-stats-api.ts";
import type { webhooksApi } from "../../admin/webhooks-api.ts";

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
    custom_disclaimer?: {
      title?: string;
      body?: { text: string };
      checkboxes?: { key: string; text: string; is_required?: boolean; is_checked_by_default?: boolean }[];
    };
  };
  context_card?: { title?: string; content?: string[]; style?: string };
  thank_you_page?: { title?: string; body?: string; button_text?: string; website_url?: string };
  page?: { id: string; name: string };
}

export type { FieldDatum };

/** A lead as the console reads it: the wire type, always with its time (the console asks for it). */
export type Lead = ContractLead & { created_time: string };

// Admin answers and bodies are the zod schemas' own types (src/admin/*-api.ts), imported as types
// only: the bundle holds none of the server's code, and a schema change fails this build.
type Item<S extends AdminRouteSpec> = AdminResponse<S> extends { data: (infer T)[] } ? T : never;

/** The webhook delivery log (/_leadgraph/admin/webhooks/…); times in unix seconds. */
export type Delivery = Item<typeof webhooksApi.deliveries>;
export type DeliveryDetail = AdminResponse<typeof webhooksApi.delivery>;
export type Attempt = DeliveryDetail["attempts"][number];
/** The delivery log's query as the console holds it: numbers for numbers, the status as its URL has it (the server checks it). */
export type DeliveryFilter = Omit<AdminQuery<typeof webhooksApi.deliveries>, "limit" | "since" | "until" | "status"> & {
  status?: string;
  limit?: number;
  since?: number;
  until?: number;
};
export type FaultSettings = AdminResponse<typeof webhooksApi.faults>;
export type AppSubscriptions = Item<typeof webhooksApi.subscriptions>;
export type PageInstall = Item<typeof webhooksApi.installs>;
export type DisabledSubscription = Item<typeof webhooksApi.disabled>;
/** Deliveries a range redelivery left out: the app is no longer installed on their page. */
export type RedeliverySkipped = AdminResponse<typeof webhooksApi.redeliverRange>["skipped"][number];

/** Access (/_leadgraph/admin/…). */
export type AppInfo = Item<typeof appsApi.list>;
export type UserInfo = Item<typeof usersApi.list>;
export type PageRoleInfo = Item<typeof pagesApi.roles>;
export type TokenInfo = Item<typeof tokensApi.list>;
/** The console always names the scopes. */
export type NewToken = AdminBody<typeof tokensApi.issue> & { scopes: string[] };

export interface TokenDebug {
  /** The `debug_token` data object. */
  debug_token: Record<string, unknown>;
  /** The page's `has_lead_access` for the token's user and app. */
  has_lead_access?: Record<string, unknown>;
}

/** `null` when the page never customised the Leads Access Manager. */
export type LeadAccessAssignment = AdminResponse<typeof pagesApi.leadAccess>;

/** One page's usage; the list adds `page_name`, the per-page answer `hourly` (the last 24 hours, oldest first). */
export type LimitUsage = AdminResponse<typeof limitsApi.reset> & {
  page_name?: string;
  hourly?: AdminResponse<typeof limitsApi.get>["hourly"];
};

export type ClockState = Pick<AdminResponse<typeof clockApi.get>, "mode" | "now"> & {
  /** Set when the server has no clock endpoint and "now" came from the console session. */
  estimated?: boolean;
};

// ---------- transport ----------

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(SESSION_STORAGE);
  session = undefined;
}

const keyRefusedListeners = new Set<() => void>();

/**
 * Called when the server refuses the tab's saved admin key (it was changed, and the server
 * restarted with the new one): the key and session are forgotten, and the console asks for the key.
 */
export function onKeyRefused(fn: () => void): () => void {
  keyRefusedListeners.add(fn);
  return () => keyRefusedListeners.delete(fn);
}

/**
 * The console session (its page tokens included) is kept for the tab beside the admin key, so
 * reloads and new screens reuse its tokens instead of minting new ones. It is asked for again when
 * a token is refused (code 190, e.g. the manual clock moved past it) or when it is close to its
 * wall-clock hour.
 */
const SESSION_STORAGE = "leadgraph.consoleSession";
const SESSION_REUSE_MS = 50 * 60 * 1000;

interface StoredSession {
  session: Session;
  fetchedAt: number;
}

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
    headers: {
      authorization: `Bearer ${key ?? ""}`,
      "x-leadgraph-client": "console",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  try {
    return (await parse(res, path)) as T;
  } catch (e) {
    if (e instanceof ApiError && e.badAdminKey && key !== null && key === storedKey()) {
      forgetKey();
      for (const fn of keyRefusedListeners) fn();
    }
    throw e;
  }
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
export const FORM_DETAIL_FIELDS =
  "id,name,status,locale,created_time,leads_count,organic_leads_count,questions,privacy_policy_url,legal_content,context_card,thank_you_page,page";
export const LEAD_LIST_FIELDS = "id,created_time,ad_id,ad_name,campaign_name,form_id,platform,is_organic,field_data";
export const LEAD_DETAIL_FIELDS =
  "id,created_time,form_id,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,field_data,custom_disclaimer_responses,is_organic,platform,partner_name,retailer_item_id";

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
    fields: LEAD_LIST_FIELDS,
    limit: q.limit ?? 50,
    filtering: filteringOf(q),
    after: q.after,
    before: q.before,
    summary: q.summary ? true : undefined,
  });

export async function leadCount(pageId: string, formId: string, from: number): Promise<number> {
  const r = await graph<ListResult<Lead>>(pageId, "GET", `${formId}/leads`, {
    fields: "id",
    limit: 1,
    summary: true,
    filtering: filteringOf({ from }),
  });
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
  // Only a "not found" (code 100) from every page gets here: the last one is the answer.
  throw last instanceof ApiError ? last : new ApiError(400, leadId, undefined, `Lead ${leadId} not found`);
}

// ---------- forms issue ----------

export const setFormStatus = (pageId: string, formId: string, status: "ACTIVE" | "ARCHIVED") =>
  graph<{ success: boolean }>(pageId, "POST", formId, { status });

export const createTestLead = (pageId: string, formId: string, fieldData: FieldDatum[]) =>
  graph<{ id: string }>(pageId, "POST", `${formId}/test_leads`, { field_data: JSON.stringify(fieldData) });

export type AttributedLead = AdminBody<typeof formsApi.createLeads>["leads"][number];

export async function createAttributedLead(formId: string, l: AttributedLead): Promise<{ id: string }> {
  const r = await admin<AdminResponse<typeof formsApi.createLeads>>("POST", `forms/${formId}/leads`, { leads: [l] });
  return { id: r.ids[0]! };
}

export const hostedFormUrl = (formId: string) => `/forms/${formId}`;

// ---------- export issue ----------

/** Meta's export URL; the page token travels in the query because the browser downloads it directly. */
export async function exportUrl(
  pageId: string,
  formId: string,
  format: "csv" | "tsv",
  q: Pick<LeadQuery, "from" | "until">,
): Promise<string> {
  const token = await pageToken(pageId);
  // to_date is inclusive; the console's "until" is exclusive like the leads filter.
  return `/ads/lead_gen/export_csv/${query({
    id: formId,
    type: "form",
    format,
    from_date: q.from,
    to_date: q.until === undefined ? undefined : q.until - 1,
    access_token: token,
  })}`;
}

export async function exportText(
  pageId: string,
  formId: string,
  format: "csv" | "tsv",
  q: Pick<LeadQuery, "from" | "until">,
): Promise<string> {
  const url = await exportUrl(pageId, formId, format, q);
  return (await parse(await fetch(url), "ads/lead_gen/export_csv")) as string;
}

export const limits = () => admin<AdminResponse<typeof limitsApi.list>>("GET", "limits?limit=100");
export const pageLimit = (pageId: string) => admin<AdminResponse<typeof limitsApi.get>>("GET", `limits/${pageId}`);
export const clock = () => admin<AdminResponse<typeof clockApi.get>>("GET", "clock");
/** `advance` is a duration such as "1h" or "7d"; `set` unix seconds. */
export const setClock = (change: AdminBody<typeof clockApi.move>) => admin<AdminResponse<typeof clockApi.move>>("POST", "clock", change);

// ---------- webhooks issue ----------

export const deliveries = (f: DeliveryFilter) =>
  admin<AdminResponse<typeof webhooksApi.deliveries>>("GET", `webhooks/deliveries${query({ ...f })}`);
export const delivery = (id: string) => admin<DeliveryDetail>("GET", `webhooks/deliveries/${id}`);
/** Delivery attempts per minute by outcome with latency percentiles (src/admin/webhook-stats-routes.ts). */
/** Delivery attempts per minute by outcome with latency percentiles (the server aggregates). */
export type WebhookStats = AdminResponse<typeof webhookStatsApi.stats>;
export type WebhookStatsCounts = WebhookStats["totals"];
export const webhookStats = (minutes = 60) => admin<WebhookStats>("GET", `webhooks/stats${query({ minutes })}`);
export const redeliver = (id: string) =>
  admin<AdminResponse<typeof webhooksApi.redeliverOne>>("POST", `webhooks/deliveries/${id}/redeliver`, {});
/** Redelivers an app's deliveries created since `since` (and before `until`), optionally of one status. */
export const redeliverRange = (f: AdminBody<typeof webhooksApi.redeliverRange>) =>
  admin<AdminResponse<typeof webhooksApi.redeliverRange>>("POST", "webhooks/redeliver", f);

export const subscriptions = () => admin<AdminResponse<typeof webhooksApi.subscriptions>>("GET", "webhooks/subscriptions?limit=1000");
export const installs = () => admin<AdminResponse<typeof webhooksApi.installs>>("GET", "webhooks/installs?limit=1000");
export const faults = (appId: string) => admin<FaultSettings>("GET", `webhooks/subscriptions/${appId}/faults`);
export const setFaults = (appId: string, f: AdminBody<typeof webhooksApi.setFaults>) =>
  admin<FaultSettings>("POST", `webhooks/subscriptions/${appId}/faults`, f);
export const disabledSubscriptions = () => admin<AdminResponse<typeof webhooksApi.disabled>>("GET", "webhooks/disabled?limit=1000");
/** Points an app's page subscription at a callback again (what re-enables a disabled one). */
export const resubscribe = (appId: string, callbackUrl: string, skipVerification = true) =>
  admin<AdminResponse<typeof webhooksApi.subscribe>>("POST", `webhooks/subscriptions/${appId}`, {
    callback_url: callbackUrl,
    skip_verification: skipVerification,
  });

// ---------- access issue ----------

export const apps = () => admin<AdminResponse<typeof appsApi.list>>("GET", "apps?limit=1000");
export const users = () => admin<AdminResponse<typeof usersApi.list>>("GET", "users?limit=1000");
export const pageRoles = (pageId: string) => admin<AdminResponse<typeof pagesApi.roles>>("GET", `pages/${pageId}/roles?limit=1000`);
export const tokens = () => admin<AdminResponse<typeof tokensApi.list>>("GET", "tokens?limit=1000");
export const createToken = (t: NewToken) => admin<AdminResponse<typeof tokensApi.issue>>("POST", "tokens", t);
export const revokeToken = (id: string) => admin<AdminResponse<typeof tokensApi.revoke>>("DELETE", `tokens/${id}`);
export const leadAccess = (pageId: string) => admin<LeadAccessAssignment>("GET", `pages/${pageId}/lead_access`);

/**
 * The debug view: `debug_token` through the admin API, then the page's `has_lead_access` for that
 * token's user and app, read with the console's own page token (so it answers even when the
 * debugged token cannot see the page at all).
 */
export async function debugToken(token: string, pageId: string): Promise<TokenDebug> {
  const { data } = await admin<AdminResponse<typeof tokensApi.debug>>("POST", "tokens/debug", { access_token: token });
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

export type ErasureAnswer = AdminResponse<typeof erasureApi.eraseLead>;
export type Erasure = ErasureAnswer["erasure"];
export type PersonQuery = Pick<AdminBody<typeof erasureApi.erasePerson>, "email" | "phone">;
export type ErasurePreview = Extract<AdminResponse<typeof erasureApi.erasePerson>, { dry_run: true }>;

export const eraseLead = (leadId: string) => admin<ErasureAnswer>("DELETE", `leads/${leadId}`);
export const previewPersonErasure = (q: PersonQuery) => admin<ErasurePreview>("POST", "erasures", { ...q, dry_run: true });
export const erasePerson = (q: PersonQuery) => admin<ErasureAnswer>("POST", "erasures", q);
