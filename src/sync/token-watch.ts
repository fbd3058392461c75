import { GraphApiError } from "../client/index.ts";
import type { PageClients } from "./page-clients.ts";
import type { SyncLog } from "./sync-log.ts";
import type { SyncStore } from "./storage/sync-store.ts";

/** What the service knows about one page's token. */
export interface TokenStatus {
  state: "ok" | "expiring" | "expired" | "invalid" | "unknown";
  /** Unix seconds; 0 = never expires; absent when unknown. */
  expiresAt?: number;
  message: string;
  checkedAt: number;
}

const DAY = 86_400;

/**
 * Checks tokens with `debug_token` and warns days before expiry. Servers without `debug_token`
 * (or tokens that may not call it) leave the state "unknown"; a 190 from any regular call is still
 * reported through {@link TokenWatch.reportError}, so an expired token never goes unnoticed.
 */
export class TokenWatch {
  readonly #status = new Map<string, TokenStatus>();
  readonly #clients: PageClients;
  readonly #store: SyncStore;
  readonly #log: SyncLog;
  readonly #warnDays: number;
  readonly #appId: string | undefined;
  readonly #nowMs: () => number;

  /** `now` (unix ms) must be the clock `debug_token` answers by: expiry is a difference of the two. */
  constructor(o: { clients: PageClients; store: SyncStore; log: SyncLog; warnDays: number; appId?: string | undefined; now?: () => number }) {
    this.#clients = o.clients;
    this.#store = o.store;
    this.#log = o.log;
    this.#warnDays = o.warnDays;
    this.#appId = o.appId;
    this.#nowMs = o.now ?? Date.now;
  }

  all(): Record<string, TokenStatus> {
    return Object.fromEntries(this.#status);
  }

  get(pageId: string): TokenStatus | undefined {
    return this.#status.get(pageId);
  }

  /** True when calls with this page's token cannot succeed until the token is replaced. */
  blocked(pageId: string): boolean {
    const s = this.#status.get(pageId)?.state;
    return s === "expired" || s === "invalid";
  }

  async checkAll(): Promise<void> {
    for (const pageId of this.#clients.pageIds) await this.check(pageId);
  }

  async check(pageId: string): Promise<TokenStatus> {
    const client = this.#clients.for(pageId)!;
    const now = Math.floor(this.#nowMs() / 1000);
    let s: TokenStatus;
    try {
      const d = await client.debugToken(this.#appId ? { appId: this.#appId } : {});
      if (!d.is_valid) {
        const expired = d.error?.subcode === 463 || (d.expires_at !== undefined && d.expires_at > 0 && d.expires_at <= now);
        s = { state: expired ? "expired" : "invalid", message: `token for page ${pageId} is ${expired ? "expired" : "invalid"}${d.error?.message ? `: ${d.error.message}` : ""}`, checkedAt: now };
        if (d.expires_at !== undefined) s.expiresAt = d.expires_at;
      } else if (d.expires_at && d.expires_at > 0 && d.expires_at - now <= this.#warnDays * DAY) {
        const days = Math.max(0, (d.expires_at - now) / DAY);
        s = { state: "expiring", expiresAt: d.expires_at, message: `token for page ${pageId} expires in ${days.toFixed(1)} days (${new Date(d.expires_at * 1000).toISOString()}); replace it with a long-lived page token`, checkedAt: now };
      } else {
        s = { state: "ok", expiresAt: d.expires_at ?? 0, message: d.expires_at ? `token for page ${pageId} valid until ${new Date(d.expires_at * 1000).toISOString()}` : `token for page ${pageId} does not expire`, checkedAt: now };
      }
    } catch (e) {
      if (e instanceof GraphApiError && e.isTokenError) return this.reportError(pageId, e);
      const why = e instanceof Error ? e.message : String(e);
      s = { state: "unknown", message: `debug_token unavailable for page ${pageId} (${why}); expiry will be reported when Graph refuses the token`, checkedAt: now };
    }
    await this.#set(pageId, s);
    return s;
  }

  /** Records a token error answered by any call (190/463 expired, 190/460/467 invalidated…). */
  async reportError(pageId: string, e: GraphApiError): Promise<TokenStatus> {
    const now = Math.floor(this.#nowMs() / 1000);
    const expired = e.isTokenExpired;
    const s: TokenStatus = {
      state: expired ? "expired" : "invalid",
      message: `access token for page ${pageId} ${expired ? "has EXPIRED" : "is INVALID"} (Graph ${e.code}${e.subcode ? `/${e.subcode}` : ""}: ${e.message}). `
        + "Sync for this page is paused: create a new long-lived page token (see `leadgraph sync --help`) and restart.",
      checkedAt: now,
    };
    await this.#set(pageId, s);
    return s;
  }

  async #set(pageId: string, s: TokenStatus): Promise<void> {
    const before = this.#status.get(pageId);
    this.#status.set(pageId, s);
    if (before?.state !== s.state || before.message !== s.message) {
      const obj = { pageId, token: s.state, expiresAt: s.expiresAt };
      if (s.state === "expired" || s.state === "invalid") this.#log.error(obj, s.message);
      else if (s.state === "expiring") this.#log.warn(obj, s.message);
      else this.#log.info(obj, s.message);
    }
    await this.#store.setState(`token:${pageId}`, s, Date.now());
  }
}
