/** What to answer to a verification GET. */
export interface ChallengeAnswer {
  status: 200 | 400 | 403;
  /** The bare `hub.challenge` on success, a short reason otherwise. */
  body: string;
}

/**
 * Answers Meta's subscription handshake (`GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`):
 * 200 with the bare challenge when the verify token matches, 403 when it does not, 400 when the
 * request is not a handshake.
 */
export function answerChallenge(query: URLSearchParams | Record<string, unknown>, verifyToken: string): ChallengeAnswer {
  const get = (k: string): string | undefined => {
    if (query instanceof URLSearchParams) return query.get(k) ?? undefined;
    const v = query[k] ?? (query.hub as Record<string, unknown> | undefined)?.[k.slice(4)];
    return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined;
  };
  const mode = get("hub.mode");
  const challenge = get("hub.challenge");
  const token = get("hub.verify_token");
  if (mode !== "subscribe" || challenge === undefined) return { status: 400, body: "not a subscription handshake" };
  if (!verifyToken || token !== verifyToken) return { status: 403, body: "verify token mismatch" };
  return { status: 200, body: challenge };
}
