import { GraphApiError } from "../client/index.ts";

/**
 * What went wrong, told apart so the log and /status can say what to do. The first three need a
 * person (a new token, the right secret, a role on the page); network failures and rate limits
 * pass by themselves.
 */
export type ProblemKind = "app-secret" | "token-expired" | "token-invalid" | "no-access" | "network" | "rate-limit" | "other";

export interface SyncProblem {
  kind: ProblemKind;
  pageId: string;
  /** What happened, with Graph's code and message. */
  message: string;
  /** What to do about it. */
  action: string;
  /** True when the sync cannot get on with this page until a person acts. */
  needsPerson: boolean;
  code?: number | undefined;
  subcode?: number | undefined;
  /** ISO time a rate-limit pause ends. */
  until?: string | undefined;
}

/** Exit codes of `leadgraph sync` when it cannot do its job without a person (documented in docs/sync.md). */
export const EXIT_CODES = { "app-secret": 3, "token-expired": 4, "token-invalid": 4, "no-access": 5 } as const;

export const NEW_TOKEN_ACTION = "create a new long-lived page token (see `leadgraph sync --help`) and restart with it";
const PERMISSIONS = "leads_retrieval, pages_show_list, pages_read_engagement, pages_manage_ads and ads_management";

/** Meta's reasons for an invalidated token, turned into what the person behind it did. */
const INVALIDATED: Record<number, string> = {
  458: "the user removed the app",
  460: "the user changed their password or Facebook reset the session",
  464: "the user is not a confirmed user",
  467: "the user logged out or the token was revoked",
  492: "the user behind the token no longer has a role on the page",
};

const graphRef = (e: GraphApiError): string => `Graph ${e.code}${e.subcode ? `/${e.subcode}` : ""}: ${e.message}`;

/**
 * Names the problem behind an error of a call made with a page's token. `what` says what was being
 * done ("listing forms of page 3001"); `baseUrl` is named in network failures.
 */
export function diagnose(
  e: unknown,
  ctx: { pageId: string; what: string; baseUrl: string; nowMs?: number; delayMs?: number },
): SyncProblem {
  const { pageId, what } = ctx;
  if (!(e instanceof GraphApiError)) {
    return {
      kind: "other",
      pageId,
      message: `${what} failed: ${e instanceof Error ? e.message : String(e)}`,
      action: "see the error; the next reconciliation tries again",
      needsPerson: false,
    };
  }
  const base = { pageId, code: e.code, subcode: e.subcode };
  if (e.code === 100 && /appsecret_proof/i.test(e.message)) {
    const required = /require/i.test(e.message);
    return {
      ...base,
      kind: "app-secret",
      needsPerson: true,
      message: `${what}: Graph refused the appsecret_proof of page ${pageId}'s token (${graphRef(e)})`,
      action: required
        ? "the app of the token requires appsecret_proof: give its app secret with --app-secret"
        : "the app secret (--app-secret) does not match the app of the token: give the secret of the app that issued the token (App Dashboard > Settings > Basic)",
    };
  }
  if (e.isTokenError) {
    if (e.isTokenExpired) {
      return {
        ...base,
        kind: "token-expired",
        needsPerson: true,
        message: `access token for page ${pageId} has EXPIRED (${graphRef(e)})`,
        action: NEW_TOKEN_ACTION,
      };
    }
    const why = e.subcode !== undefined ? INVALIDATED[e.subcode] : undefined;
    return {
      ...base,
      kind: "token-invalid",
      needsPerson: true,
      message: `access token for page ${pageId} is INVALID (${graphRef(e)})${why ? `: ${why}` : ""}`,
      action: NEW_TOKEN_ACTION,
    };
  }
  if ((e.code === 100 && e.subcode === 33) || e.code === 10 || (e.code >= 200 && e.code <= 299)) {
    const missing = /permission|\(#\d+\)/i.test(e.message) ? `Graph names what is missing: "${e.message}"; ` : "";
    return {
      ...base,
      kind: "no-access",
      needsPerson: true,
      message: `${what}: the token given for page ${pageId} cannot read it (${graphRef(e)})`,
      action: `${missing}use a page token of page ${pageId} itself (GET /me/accounts as a person with a role on the page and lead access in its Leads Access Manager), granted ${PERMISSIONS}; a token of another page or user cannot read this page`,
    };
  }
  if (e.status === 0) {
    return {
      ...base,
      kind: "network",
      needsPerson: false,
      message: `${what}: cannot reach ${ctx.baseUrl} (${e.message})`,
      action: "check --base-url and the network (DNS, proxy, firewall); sync retries by itself",
    };
  }
  if (e.isRateLimit) {
    const waitMs = ctx.delayMs ?? (e.regainAccessSeconds ?? 0) * 1000;
    const until = waitMs > 0 ? new Date((ctx.nowMs ?? Date.now()) + waitMs).toISOString() : undefined;
    return {
      ...base,
      kind: "rate-limit",
      needsPerson: false,
      until,
      message: `rate limited on page ${pageId} (${graphRef(e)}); ${until ? `paused until ${until}` : "backing off"}`,
      action: "nothing: sync resumes by itself; to stay further from the limit lower --slow-down-at or --concurrency",
    };
  }
  return {
    ...base,
    kind: "other",
    needsPerson: false,
    message: `${what} failed (${graphRef(e)})`,
    action: "the next reconciliation tries again",
  };
}

/** One line for the log: what happened, then what to do. */
export const describeProblem = (p: SyncProblem): string => `${p.message}. What to do: ${p.action}.`;
