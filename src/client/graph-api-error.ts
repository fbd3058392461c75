import { type GraphErrorBody, RATE_LIMIT_CODES, TRANSIENT_CODES } from "../contract/index.ts";

/** Everything Graph said about a failed call, typed. */
export interface GraphApiErrorInit {
  status: number;
  code: number;
  subcode?: number | undefined;
  type: string;
  message: string;
  isTransient: boolean;
  fbtraceId?: string | undefined;
  userTitle?: string | undefined;
  userMessage?: string | undefined;
  /** Seconds until the rate-limit budget is back, from `X-Business-Use-Case-Usage`, when known. */
  regainAccessSeconds?: number | undefined;
  cause?: unknown;
}

/**
 * A Graph API error (the `{"error":{…}}` envelope) or a transport failure turned into the same shape
 * (`type: "TransportError"`, `status: 0`). `retryable` says whether waiting and trying again can help.
 */
export class GraphApiError extends Error {
  /** HTTP status of the answer (0 when no answer arrived). */
  readonly status: number;
  /** Graph `code` (e.g. 190 token, 100 parameter, 80005 lead rate limit). */
  readonly code: number;
  /** Graph `error_subcode`, when present (e.g. 463 expired token, 33 missing object). */
  readonly subcode: number | undefined;
  /** Graph `type` (`OAuthException`, `GraphMethodException`…). */
  readonly type: string;
  /** Graph `is_transient`, or true for transport failures and 5xx answers. */
  readonly isTransient: boolean;
  /** Graph `fbtrace_id`, for support requests. */
  readonly fbtraceId: string | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  /** Seconds until access is regained, from the usage header, when Graph said so. */
  readonly regainAccessSeconds: number | undefined;

  constructor(init: GraphApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "GraphApiError";
    this.status = init.status;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.isTransient = init.isTransient;
    this.fbtraceId = init.fbtraceId;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.regainAccessSeconds = init.regainAccessSeconds;
  }

  /** Graph's own name for {@link GraphApiError.isTransient}. */
  get is_transient(): boolean {
    return this.isTransient;
  }

  /** Graph's own name for {@link GraphApiError.fbtraceId}. */
  get fbtrace_id(): string | undefined {
    return this.fbtraceId;
  }

  /** Graph's own name for {@link GraphApiError.subcode}. */
  get error_subcode(): number | undefined {
    return this.subcode;
  }

  /** True for rate-limit codes (80005, 4, 17, 32, 613, 80001…). */
  get isRateLimit(): boolean {
    return (RATE_LIMIT_CODES as readonly number[]).includes(this.code);
  }

  /** True when the token is expired or invalid (code 190, or 102 session errors): retrying cannot help. */
  get isTokenError(): boolean {
    return this.code === 190 || this.code === 102;
  }

  /** True when the token expired (190/463). */
  get isTokenExpired(): boolean {
    return this.code === 190 && this.subcode === 463;
  }

  /** Whether waiting and retrying may succeed: rate limits, transient errors, 5xx and transport failures. */
  get retryable(): boolean {
    if (this.isTokenError) return false;
    return (
      this.isRateLimit ||
      this.isTransient ||
      (TRANSIENT_CODES as readonly number[]).includes(this.code) ||
      this.status >= 500 ||
      this.status === 0
    );
  }

  /** Builds the error from an HTTP answer; bodies that are not the Graph envelope become code -1. */
  static fromResponse(status: number, body: unknown, regainAccessSeconds?: number): GraphApiError {
    const e = (body as Partial<GraphErrorBody> | null)?.error;
    if (e && typeof e === "object" && typeof e.code === "number") {
      return new GraphApiError({
        status,
        code: e.code,
        subcode: e.error_subcode,
        type: String(e.type ?? "GraphMethodException"),
        message: String(e.message ?? "Graph error"),
        isTransient: e.is_transient === true || status >= 500,
        fbtraceId: e.fbtrace_id,
        userTitle: e.error_user_title,
        userMessage: e.error_user_msg,
        regainAccessSeconds,
      });
    }
    const text = typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200);
    return new GraphApiError({
      status,
      code: -1,
      type: "HttpError",
      message: `HTTP ${status} without a Graph error body: ${text ?? ""}`,
      isTransient: status >= 500 || status === 429,
      regainAccessSeconds,
    });
  }
}
