import {
  type DebugTokenData,
  type Lead,
  LEAD_FIELDS,
  type LeadFilterClause,
  type LeadgenForm,
  type Page,
  type SuccessResponse,
} from "../contract/index.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";
import { defaultSleep, type Params, type RetryEvent, Transport } from "./transport.ts";
import { UsageGovernor, type UsageGovernorOptions } from "./usage-governor.ts";
import type { UsageSnapshot } from "./usage.ts";

/** Options of {@link GraphLeadsClient}. */
export interface GraphLeadsClientOptions {
  /** Page (or system-user / user) access token used for every call unless a call says otherwise. */
  accessToken: string;
  /** App secret: when given, every call carries `appsecret_proof`, and app-token calls default to `app_id|secret`. */
  appSecret?: string;
  /** Default `https://graph.facebook.com`; point it at any Graph-compatible server (leadgraph included). */
  baseUrl?: string;
  /** Graph version prefix, default `v21.0`. */
  version?: string;
  /** Injectable fetch (tests, proxies, undici agents). Default: global fetch. */
  fetch?: typeof fetch;
  /** Injectable sleep, for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable randomness for backoff jitter, for tests. */
  random?: () => number;
  /** Injectable wall clock in milliseconds (the governor measures regain windows with it). */
  now?: () => number;
  /** Retry policy; only transient errors, 5xx, transport failures and rate limits are retried. */
  retry?: Partial<RetryPolicy>;
  /** Slow down as the usage headers approach the budget: `true` (defaults), options, or `false` (default). */
  governor?: boolean | UsageGovernorOptions | UsageGovernor;
  /** Called before each retry wait. */
  onRetry?: (e: RetryEvent) => void;
  /** Called with every usage header Graph sends. */
  onUsage?: (u: UsageSnapshot) => void;
}

/** Options of {@link GraphLeadsClient.leads}. */
export interface LeadsOptions {
  /** Lead fields to read; default {@link DEFAULT_SYNC_FIELDS}. */
  fields?: readonly string[];
  /** Only leads created at or after this time (unix seconds or Date): `time_created GREATER_THAN_OR_EQUAL`. */
  since?: number | Date;
  /** Only leads created before this time (unix seconds or Date): `time_created LESS_THAN`. */
  until?: number | Date;
  /** Rows per request (`limit`), default 100. Graph's own default (25) is never relied on. */
  pageSize?: number;
  /** Called after each page with the number of rows it held (progress reporting). */
  onPage?: (rows: number) => void;
}

/** The lead fields a complete copy needs (every lead field the edge serves). */
export const DEFAULT_SYNC_FIELDS: readonly string[] = LEAD_FIELDS;

/** Options of {@link GraphLeadsClient.subscribeApp}. */
export interface SubscribeAppOptions {
  appId: string;
  callbackUrl: string;
  verifyToken: string;
  /** Default `["leadgen"]`. */
  fields?: readonly string[];
  /** Default `page`. */
  object?: string;
  /** App token; default `app_id|app_secret` when the client has the secret, else the client token. */
  appAccessToken?: string;
}

const seconds = (t: number | Date): number => (t instanceof Date ? Math.floor(t.getTime() / 1000) : Math.floor(t));

/**
 * A typed client for Meta's lead-retrieval Graph API (or any compatible server). It imports nothing
 * from the leadgraph server: only the shared wire types.
 *
 * @example
 * const client = new GraphLeadsClient({ accessToken: pageToken, appSecret });
 * for await (const lead of client.leads(formId, { since: Date.now() / 1000 - 86400 })) save(lead);
 */
export class GraphLeadsClient {
  readonly #t: Transport;
  readonly #appSecret: string | undefined;
  readonly #accessToken: string;
  /** The usage governor in use, when enabled (exposes pause counters). */
  readonly governor: UsageGovernor | undefined;

  constructor(opts: GraphLeadsClientOptions) {
    if (!opts.accessToken) throw new TypeError("GraphLeadsClient needs an accessToken");
    this.#appSecret = opts.appSecret;
    this.#accessToken = opts.accessToken;
    const g = opts.governor;
    this.governor = g instanceof UsageGovernor ? g : g === true ? new UsageGovernor() : g ? new UsageGovernor(g) : undefined;
    this.#t = new Transport({
      accessToken: opts.accessToken,
      appSecret: opts.appSecret,
      baseUrl: opts.baseUrl ?? "https://graph.facebook.com",
      version: opts.version ?? "v21.0",
      fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
      sleep: opts.sleep ?? defaultSleep,
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
      retry: { ...DEFAULT_RETRY_POLICY, ...opts.retry },
      governor: this.governor,
      onRetry: opts.onRetry,
      onUsage: opts.onUsage,
      userAgent: "leadgraph-client/0.1",
    });
  }

  /** Any GET on the Graph API, with the client's auth and retries. */
  get<T>(path: string, params: Params = {}, opts: { accessToken?: string } = {}): Promise<T> {
    return this.#t.json<T>("GET", path, params, opts);
  }

  /** Any POST on the Graph API (params sent urlencoded), with the client's auth and retries. */
  post<T>(path: string, params: Params = {}, opts: { accessToken?: string } = {}): Promise<T> {
    return this.#t.json<T>("POST", path, params, opts);
  }

  /** Reads one lead (`GET /{lead-id}`). Without `fields`, Graph's default set is returned. */
  getLead(id: string, opts: { fields?: readonly string[] } = {}): Promise<Lead> {
    return this.get<Lead>(`/${encodeURIComponent(id)}`, opts.fields ? { fields: opts.fields.join(",") } : {});
  }

  /**
   * Every lead of a form or an ad, newest first, following cursors until Graph says there is no
   * `next` page. `since`/`until` become `filtering` on `time_created`.
   */
  async *leads(formOrAdId: string, opts: LeadsOptions = {}): AsyncGenerator<Lead, void, undefined> {
    for await (const page of this.leadPages(formOrAdId, opts)) yield* page;
  }

  /**
   * The same reads as {@link GraphLeadsClient.leads}, one array per Graph page: the next page is
   * requested only when the caller asks for it, so storing a page can overlap fetching the next.
   */
  async *leadPages(formOrAdId: string, opts: LeadsOptions = {}): AsyncGenerator<Lead[], void, undefined> {
    const filtering: LeadFilterClause[] = [];
    if (opts.since !== undefined) filtering.push({ field: "time_created", operator: "GREATER_THAN_OR_EQUAL", value: seconds(opts.since) });
    if (opts.until !== undefined) filtering.push({ field: "time_created", operator: "LESS_THAN", value: seconds(opts.until) });
    const params: Params = { fields: (opts.fields ?? DEFAULT_SYNC_FIELDS).join(","), limit: opts.pageSize ?? 100 };
    if (filtering.length > 0) params.filtering = filtering;
    yield* this.#pages<Lead>(`/${encodeURIComponent(formOrAdId)}/leads`, params, opts.onPage);
  }

  /** Every lead form of a page (`GET /{page-id}/leadgen_forms`), all pages of results. */
  async *forms(pageId: string, opts: { fields?: readonly string[]; pageSize?: number } = {}): AsyncGenerator<LeadgenForm, void, undefined> {
    const params: Params = {
      fields: (opts.fields ?? ["id", "name", "status", "created_time", "page_id"]).join(","),
      limit: opts.pageSize ?? 100,
    };
    for await (const page of this.#pages<LeadgenForm>(`/${encodeURIComponent(pageId)}/leadgen_forms`, params)) yield* page;
  }

  /**
   * Downloads a form's leads export (`GET /ads/lead_gen/export_csv/?id=&type=form&from_date=&to_date=`)
   * as a byte stream. Retries happen before the first byte only.
   */
  async exportCsv(formId: string, opts: { from?: number | Date; to?: number | Date } = {}): Promise<ReadableStream<Uint8Array>> {
    const params: Params = { id: formId, type: "form" };
    if (opts.from !== undefined) params.from_date = seconds(opts.from);
    if (opts.to !== undefined) params.to_date = seconds(opts.to);
    const res = await this.#t.send("GET", "/ads/lead_gen/export_csv/", params, { unversioned: true });
    if (!res.body) return new ReadableStream({ start: (c) => c.close() });
    return res.body;
  }

  /** Subscribes the app to `leadgen` webhooks (`POST /{app-id}/subscriptions`, app token). */
  subscribeApp(opts: SubscribeAppOptions): Promise<SuccessResponse> {
    const token = opts.appAccessToken ?? (this.#appSecret ? `${opts.appId}|${this.#appSecret}` : this.#accessToken);
    return this.post<SuccessResponse>(
      `/${encodeURIComponent(opts.appId)}/subscriptions`,
      {
        object: opts.object ?? "page",
        callback_url: opts.callbackUrl,
        verify_token: opts.verifyToken,
        fields: (opts.fields ?? ["leadgen"]).join(","),
        include_values: true,
      },
      { accessToken: token },
    );
  }

  /** Installs the app on a page for `leadgen` (`POST /{page-id}/subscribed_apps`, page token). */
  installOnPage(pageId: string, opts: { subscribedFields?: readonly string[]; pageAccessToken?: string } = {}): Promise<SuccessResponse> {
    return this.post<SuccessResponse>(
      `/${encodeURIComponent(pageId)}/subscribed_apps`,
      {
        subscribed_fields: (opts.subscribedFields ?? ["leadgen"]).join(","),
      },
      opts.pageAccessToken ? { accessToken: opts.pageAccessToken } : {},
    );
  }

  /**
   * Inspects a token (`GET /debug_token?input_token=`): validity, type, scopes, `expires_at`.
   * `inputToken` defaults to the client's token; the caller token defaults to `app_id|secret` when
   * `appId` and the secret are known, else the client's token.
   */
  async debugToken(opts: { inputToken?: string; appId?: string; accessToken?: string } = {}): Promise<DebugTokenData> {
    const caller = opts.accessToken ?? (opts.appId && this.#appSecret ? `${opts.appId}|${this.#appSecret}` : this.#accessToken);
    const res = await this.get<{ data: DebugTokenData }>(
      "/debug_token",
      { input_token: opts.inputToken ?? this.#accessToken },
      { accessToken: caller },
    );
    return res.data;
  }

  // Pages are followed with `after` on the original path rather than the absolute `next` link, as the
  // Python SDK does: the link may name a host the client cannot reach (a proxy, a public URL).
  async *#pages<T>(path: string, params: Params, onPage?: (n: number) => void): AsyncGenerator<T[], void, undefined> {
    let after: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.get<Page<T>>(path, after ? { ...params, after } : params);
      onPage?.(page.data.length);
      yield page.data;
      const next = page.paging?.next ? page.paging.cursors?.after : undefined;
      if (!next) return;
      // A server that hands back the same cursor twice would loop forever; stop loudly instead.
      if (seen.has(next)) throw new Error(`Graph returned the same paging cursor twice for ${path}`);
      seen.add(next);
      after = next;
    }
  }
}
