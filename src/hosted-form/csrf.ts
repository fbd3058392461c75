import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** How long a rendered form may wait before it is sent. */
export const TOKEN_TTL_SECONDS = 24 * 3600;

/**
 * Anti-forgery tokens without cookies: `<nonce>.<issued>.<mac>` where the MAC (HMAC-SHA256 under a
 * secret shared by all instances) binds the form id, the nonce and the time. The nonce doubles as
 * the submission's idempotency key, so a double submit finds the lead the first one made.
 */
export class FormTokens {
  readonly #secret: Buffer;
  constructor(secret: string) {
    this.#secret = Buffer.from(secret, "utf8");
  }

  issue(formId: string, nowSeconds: number): string {
    const nonce = randomBytes(16).toString("base64url");
    return `${nonce}.${nowSeconds}.${this.#mac(formId, nonce, nowSeconds)}`;
  }

  /** The nonce of a valid token for this form, or undefined (forged, other form, expired). */
  verify(formId: string, token: string, nowSeconds: number): string | undefined {
    const m = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const issued = Number(m[2]);
    if (nowSeconds - issued > TOKEN_TTL_SECONDS || issued - nowSeconds > 300) return undefined;
    const expected = Buffer.from(this.#mac(formId, m[1]!, issued));
    const given = Buffer.from(m[3]!);
    return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
  }

  #mac(formId: string, nonce: string, issued: number): string {
    return createHmac("sha256", this.#secret).update(`hosted-form\n${formId}\n${nonce}\n${issued}`).digest("base64url");
  }
}
