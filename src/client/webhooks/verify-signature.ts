import { createHmac, timingSafeEqual } from "node:crypto";

/** Header bag as node:http, Fetch `Headers`, Express and Fastify give it. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const v = rec[name] ?? Object.entries(rec).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v[0] : v;
}

function matches(algorithm: "sha256" | "sha1", raw: Uint8Array, secret: string, given: string): boolean {
  const expected = createHmac(algorithm, secret).update(raw).digest();
  const hex = given.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length !== expected.length * 2) return false;
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}

/** Result of {@link verifySignature}: which header matched, or why nothing did. */
export type SignatureCheck = { ok: true; algorithm: "sha256" | "sha1" } | { ok: false; reason: "missing" | "mismatch" | "malformed" };

/**
 * Checks Meta's webhook signature over the raw request bytes (never re-serialized JSON: Meta signs
 * its escaped-unicode serialization). `X-Hub-Signature-256` is checked first; the legacy
 * `X-Hub-Signature` (sha1) only when the sha256 header is absent. Comparison is constant-time.
 */
export function verifySignature(rawBody: Uint8Array | string, headers: HeaderSource, appSecret: string): SignatureCheck {
  if (!appSecret) throw new TypeError("verifySignature needs the app secret");
  const raw = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  const s256 = header(headers, "x-hub-signature-256");
  if (s256 !== undefined) {
    if (!s256.startsWith("sha256=")) return { ok: false, reason: "malformed" };
    return matches("sha256", raw, appSecret, s256.slice(7)) ? { ok: true, algorithm: "sha256" } : { ok: false, reason: "mismatch" };
  }
  const s1 = header(headers, "x-hub-signature");
  if (s1 === undefined) return { ok: false, reason: "missing" };
  if (!s1.startsWith("sha1=")) return { ok: false, reason: "malformed" };
  return matches("sha1", raw, appSecret, s1.slice(5)) ? { ok: true, algorithm: "sha1" } : { ok: false, reason: "mismatch" };
}

/** Signs a body the way Meta does (both headers), for tests and for forwarding. */
export function signBody(rawBody: Uint8Array | string, appSecret: string): { "x-hub-signature-256": string; "x-hub-signature": string } {
  const raw = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  return {
    "x-hub-signature-256": `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`,
    "x-hub-signature": `sha1=${createHmac("sha1", appSecret).update(raw).digest("hex")}`,
  };
}

/** Serializes JSON as Meta does for webhook bodies: non-ASCII escaped as lowercase `\uXXXX`. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
