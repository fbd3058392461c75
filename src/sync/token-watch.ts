import { GraphApiError } from "../client/index.ts";
import type { PageClients } from "./page-clients.ts";
import type { SyncLog } from "./sync-log.ts";
import type { SyncStore } from "./storage/sync-store.ts";
import { describeProblem, diagnose, NEW_TOKEN_ACTION, type ProblemKind, type SyncProblem } from "./sync-problem.ts";

/** What the service knows about one page's token. */
export interface TokenStatus {
  /** `app-secret`: the proof made with --app-secret is refused; `no-access`: the token cannot read the page. */
  state: "ok" | "expiring" | "expired" | "invalid" | "app-secret" | "no-access" | "unknown";
  /** Unix seconds; 0 = never expires; absent when unknown. */
  expiresAt?: number;
  message: string;
  /** What to do, when a person must act. */
  action?: string;
  checkedAt: number;
}

const STATE_OF: Partial<Record<ProblemKind, TokenStatus["state"]>> = {
  "app-secret": "app-secret",
  "token-expired": "expired",
  "token-invalid": "invalid",
  "no-access": "no-access",
};
const BLOCKED = new Set<TokenStatus["state"]>(["expired", "invalid", "app-secret", "no-access"]);

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
  readonly #baseUrl: string;
  readonly #problems = new Map<string, SyncProblem>();
  readonly #nowMs: () => number;

  /** `now` (unix ms) must be the clock `debug_token` answers by: expiry is a difference of the two. */
  constructor(o: {
    clients: PageClients;
    store: SyncStore;
    log: SyncLog;
    warnDays: number;
    appId?: string | undefined;
    baseUrl?: string;
    now?: () => number;
  }) {
    this.#clients = o.clients;
    this.#store = o.store;
    this.#log = o.log;
    this.#warnDays = o.warnDays;
    this.#appId = o.appId;
    this.#baseUrl = o.baseUrl ?? "the Graph base URL";
    this.#nowMs = o.now ?? Date.now;
  }

  all(): Record<string, TokenStatus> {
    return Object.fromEntries(this.#status);
  }

  get(pageId: string): TokenStatus | undefined {
    return this.#status.get(pageId);
  }

  /** True when calls with this page's token cannot succeed until a person acts (new token, secret, role). */
  blocked(pageId: string): boolean {
    const s = this.#status.get(pageId)?.state;
    return s !== undefined && BLOCKED.has(s);
  }

  /** The problem that blocks a page, when one does. */
  problem(pageId: string): SyncProblem | undefined {
    return this.blocked(pageId) ? this.#problems.get(pageId) : undefined;
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
        s = await this.report(
          {
            kind: expired ? "token-expired" : "token-invalid",
            pageId,
            needsPerson: true,
            action: NEW_TOKEN_ACTION,
            code: d.error?.code,
            subcode: d.error?.subcode,
            message: `token for page ${pageId} is ${expired ? "expired" : "invalid"}${d.error?.message ? `: ${d.error.message}` : ""} (debug_token)`,
          },
          d.expires_at,
        );
        return s;
      } else if (d.expires_at && d.expires_at > 0 && d.expires_at - now <= this.#warnDays * DAY) {
        const days = Math.max(0, (d.expires_at - now) / DAY);
        s = {
          state: "expiring",
          expiresAt: d.expires_at,
          message: `token for page ${pageId} expires in ${days.toFixed(1)} days (${new Date(d.expires_at * 1000).toISOString()}); replace it with a long-lived page token`,
          checkedAt: now,
        };
      } else {
        s = {
          state: "ok",
          expiresAt: d.expires_at ?? 0,
          message: d.expires_at
            ? `token for page ${pageId} valid until ${new Date(d.expires_at * 1000).toISOString()}`
            : `token for page ${pageId} does not expire`,
          checkedAt: now,
        };
      }
    } catch (e) {
      const viaAppToken = Boolean(this.#appId && this.#clients.appSecret);
      if (viaAppToken && e instanceof GraphApiError && e.isTokenError) {
        // The caller was the app token, so this says nothing about the page token: the app id or
        // the secret is wrong. Calls with the page token tell which (a bad secret fails their proof).
        s = {
          state: "unknown",
          checkedAt: now,
          message:
            `debug_token with the app token (--app-id ${this.#appId} and --app-secret) was refused (Graph ${e.code}${e.subcode ? `/${e.subcode}` : ""}: ${e.message}); ` +
            `check that --app-secret is the secret of app ${this.#appId}; the page token's expiry will be reported when Graph refuses it`,
        };
        this.#log.warn({ pageId, code: e.code }, s.message);
        await this.#set(pageId, s, false);
        return s;
      }
      const p = diagnose(e, { pageId, what: `checking the token of page ${pageId} (debug_token)`, baseUrl: this.#baseUrl });
      if (p.needsPerson) return this.report(p);
      const why = e instanceof Error ? e.message : String(e);
      s = {
        state: "unknown",
        message: `debug_token unavailable for page ${pageId} (${p.kind === "network" ? p.message : why}); expiry will be reported when Graph refuses the token`,
        checkedAt: now,
      };
    }
    await this.#set(pageId, s);
    return s;
  }

  /** Records a token error answered by any call (190/463 expired, 190/460/467 invalidated…). */
  async reportError(pageId: string, e: GraphApiError): Promise<TokenStatus> {
    return this.report(diagnose(e, { pageId, what: `a call for page ${pageId}`, baseUrl: this.#baseUrl }));
  }

  /** Records a problem that needs a person: the page's work pauses until it is fixed and sync restarted. */
  async report(p: SyncProblem, expiresAt?: number): Promise<TokenStatus> {
    const state = STATE_OF[p.kind];
    if (!state) throw new Error(`a ${p.kind} problem does not block a page`);
    this.#problems.set(p.pageId, p);
    const s: TokenStatus = {
      state,
      checkedAt: Math.floor(this.#nowMs() / 1000),
      action: p.action,
      message: `${describeProblem(p)} Sync for page ${p.pageId} is paused.`,
    };
    if (expiresAt !== undefined) s.expiresAt = expiresAt;
    await this.#set(p.pageId, s);
    return s;
  }

  async #set(pageId: string, s: TokenStatus, log = true): Promise<void> {
    const before = this.#status.get(pageId);
    this.#status.set(pageId, s);
    if (log && (before?.state !== s.state || before.message !== s.message)) {
      const obj = { pageId, token: s.state, expiresAt: s.expiresAt, problem: this.problem(pageId)?.kind };
      if (BLOCKED.has(s.state)) this.#log.error(obj, s.message);
      else if (s.state === "expiring") this.#log.warn(obj, s.message);
      else this.#log.info(obj, s.message);
    }
    await this.#store.setState(`token:${pageId}`, s, Date.now());
  }
}
