import { randomInt } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { request } from "undici";
import { describeRefusal, type OutboundPolicy } from "../domain/webhooks/outbound-policy.ts";
import { outboundAgent, refusalOf } from "./outbound-agent.ts";
import { readExcerpt } from "./post-webhook.ts";

export const VERIFY_USER_AGENT = "facebookplatform/1.0 (+http://developers.facebook.com)";

export type VerificationResult = { ok: true } | { ok: false; detail: string };

/**
 * Characters of a wrong handshake answer shown back to the caller. The caller may be anyone with
 * an app token, and the receiver an internal service: enough to recognise an error page or a
 * "wrong token" answer, too little to read a secret or a metrics page through it.
 */
export const CHALLENGE_EXCERPT_CHARS = 20;
/** The most of a handshake answer read at all (a challenge is at most 10 digits). */
const READ_LIMIT_BYTES = 1024;

/**
 * Meta's subscription handshake: a GET with a random challenge that only passes when the receiver
 * answers 2xx with the challenge as the whole body. `detail` says what the receiver did instead,
 * carrying no more than Meta's message does: the status code and its standard reason phrase, a
 * short excerpt of a wrong body, or "couldn't connect" — the same words whatever the reason
 * (refused, reset, timed out, not HTTP), so the handshake cannot be used as a port scanner.
 * The URL and every address it resolves to go through the outbound policy first; a refused
 * target gets no request at all.
 */
export async function verifyCallback(
  policy: OutboundPolicy,
  callbackUrl: string,
  verifyToken: string,
  timeoutMs: number,
): Promise<VerificationResult> {
  const verdict = policy.checkUrl(callbackUrl);
  if (!verdict.ok) return { ok: false, detail: describeRefusal(verdict) };
  const challenge = String(randomInt(100_000_000, 2_147_483_647));
  const url = new URL(callbackUrl);
  url.searchParams.set("hub.mode", "subscribe");
  url.searchParams.set("hub.challenge", challenge);
  url.searchParams.set("hub.verify_token", verifyToken);
  // One connection, never kept: a handshake is rare and its agent closes with it.
  const agent = outboundAgent(policy, { pipelining: 0 });
  try {
    const res = await request(url, {
      method: "GET",
      headers: { "user-agent": VERIFY_USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher: agent,
    });
    const body = await readExcerpt(res.body, READ_LIMIT_BYTES);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      return { ok: false, detail: `HTTP Status Code = ${res.statusCode}; HTTP Message = ${STATUS_CODES[res.statusCode] ?? "Unknown"}` };
    }
    if (body !== challenge) {
      return {
        ok: false,
        detail: `The URL couldn't be validated. Response does not match challenge, expected ${challenge} but received ${excerpt(body)}`,
      };
    }
    return { ok: true };
  } catch (e) {
    const refused = refusalOf(e);
    if (refused) return { ok: false, detail: refused.message };
    return { ok: false, detail: `Couldn't connect to ${url.origin} (connection failed, or no HTTP answer within ${timeoutMs} ms)` };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

function excerpt(body: string): string {
  if (body === "") return "(empty body)";
  const chars = [...body];
  const cut = chars.length > CHALLENGE_EXCERPT_CHARS;
  return `${JSON.stringify(chars.slice(0, CHALLENGE_EXCERPT_CHARS).join(""))}${cut ? "…" : ""}`;
}
