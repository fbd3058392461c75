import { randomInt } from "node:crypto";
import { request } from "undici";
import { describeError } from "./post-webhook.ts";

export const VERIFY_USER_AGENT = "facebookplatform/1.0 (+http://developers.facebook.com)";

export type VerificationResult = { ok: true } | { ok: false; detail: string };

const EXCERPT = 200;

/**
 * Meta's subscription handshake: a GET with a random challenge that only passes when the receiver
 * answers 2xx with the challenge as the whole body. `detail` says what the receiver did instead.
 */
export async function verifyCallback(callbackUrl: string, verifyToken: string, timeoutMs: number): Promise<VerificationResult> {
  const challenge = String(randomInt(100_000_000, 2_147_483_647));
  const url = new URL(callbackUrl);
  url.searchParams.set("hub.mode", "subscribe");
  url.searchParams.set("hub.challenge", challenge);
  url.searchParams.set("hub.verify_token", verifyToken);
  try {
    const res = await request(url, {
      method: "GET", headers: { "user-agent": VERIFY_USER_AGENT }, signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    const body = (await res.body.text()).slice(0, 10_000);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      return { ok: false, detail: `HTTP Status Code = ${res.statusCode}; HTTP Message = ${excerpt(body)}` };
    }
    if (body !== challenge) {
      return { ok: false, detail: `The URL couldn't be validated. Response does not match challenge, expected ${challenge} but received ${excerpt(body)}` };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: `Couldn't connect to ${url.origin}: ${describeError(e, timeoutMs)}` };
  }
}

function excerpt(body: string): string {
  const t = body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body;
  return t === "" ? "(empty body)" : JSON.stringify(t);
}
