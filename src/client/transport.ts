import { appsecretProof } from "./appsecret-proof.ts";
import { GraphApiError } from "./graph-api-error.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from "./retry-policy.ts";
import type { UsageGovernor } from "./usage-governor.ts";
import { parseUsageHeaders, type UsageSnapshot } from "./usage.ts";

/** A parameter value; arrays and objects travel as JSON text, as Graph expects. */
export type ParamValue = string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>;
export type Params = Record<string, ParamValue>;

/** Information passed to `onRetry`. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: GraphApiError;
  method: string;
  path: string;
}

export interface TransportOptions {
  accessToken: string;
  appSecret?: string | undefined;
  baseUrl: string;
  version: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  retry: RetryPolicy;
  governor?: UsageGovernor | undefined;
  onRetry?: ((e: RetryEvent) => void) | undefined;
  onUsage?: ((u: UsageSnapshot) => void) | undefined;
  userAgent: string;
}

export interface CallOptions {
  /** Token for this call instead of the client's (app token for subscriptions, page token for installs). */
  accessToken?: string | undefined;
  /** Path without the version prefix (`/ads/lead_gen/export_csv/`). */
  unversioned?: boolean;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function encode(v: ParamValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** One request context shared by every method of the client: auth, proof, usage, retries. */
export class Transport {
  readonly #o: TransportOptions;

  constructor(o: TransportOptions) {
    this.#o = o;
  }

  /** Builds the URL of a call (query carries token and proof, as the official SDKs send them). */
  url(path: string, params: Params, opts: CallOptions = {}): URL {
    const base = this.#o.baseUrl.replace(/\/+$/, "");
    const clean = path.startsWith("/") ? path : `/${path}`;
    const url = new URL(opts.unversioned ? `${base}${clean}` : `${base}/${this.#o.version}${clean}`);
    for (const [k, v] of Object.entries(params)) {
      const s = encode(v);
      if (s !== undefined) url.searchParams.set(k, s);
    }
    const token = opts.accessToken ?? this.#o.accessToken;
    url.searchParams.set("access_token", token);
    if (this.#o.appSecret && !token.includes("|")) url.searchParams.set("appsecret_proof", appsecretProof(token, this.#o.appSecret));
    return url;
  }

  /** A JSON call with retries; GET/DELETE params go in the query, POST params in a urlencoded body. */
  async json<T>(method: "GET" | "POST" | "DELETE", path: string, params: Params = {}, opts: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, params, opts);
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new GraphApiError({
        status: res.status,
        code: -1,
        type: "HttpError",
        message: `Graph answered non-JSON: ${text.slice(0, 120)}`,
        isTransient: false,
        cause,
      });
    }
  }

  /** Sends with retries and returns the successful Response (body unread), for streams. */
  async send(method: "GET" | "POST" | "DELETE", path: string, params: Params = {}, opts: CallOptions = {}): Promise<Response> {
    const o = this.#o;
    for (let attempt = 1; ; attempt++) {
      if (o.governor) {
        const pause = o.governor.pauseBefore(o.now());
        if (pause > 0) {
          o.governor.tookPause(pause);
          await o.sleep(pause);
        }
      }
      let error: GraphApiError;
      try {
        const res = await this.#once(method, path, params, opts);
        if (res.ok) return res;
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // a proxy or load balancer answered; keep the text for the message
        }
        error = GraphApiError.fromResponse(res.status, body, parseUsageHeaders(res.headers)?.regainAccessSeconds);
      } catch (e) {
        if (e instanceof GraphApiError) throw e;
        error = new GraphApiError({
          status: 0,
          code: -1,
          type: "TransportError",
          message: `request to Graph failed: ${e instanceof Error ? e.message : String(e)}`,
          isTransient: true,
          cause: e,
        });
      }
      const delay = retryDelay(error, attempt, o.retry, o.random);
      if (delay === undefined) throw error;
      o.onRetry?.({ attempt, delayMs: delay, error, method, path });
      await o.sleep(delay);
    }
  }

  async #once(method: string, path: string, params: Params, opts: CallOptions): Promise<Response> {
    const o = this.#o;
    const headers: Record<string, string> = { "user-agent": o.userAgent, accept: "application/json" };
    let url: URL;
    let body: string | undefined;
    if (method === "POST") {
      url = this.url(path, {}, opts);
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) {
        const s = encode(v);
        if (s !== undefined) form.set(k, s);
      }
      body = form.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else {
      url = this.url(path, params, opts);
    }
    const res = await o.fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const usage = parseUsageHeaders(res.headers);
    if (usage) {
      o.governor?.observe(usage, o.now());
      o.onUsage?.(usage);
    }
    return res;
  }
}

export { DEFAULT_RETRY_POLICY };
