import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";

/**
 * Browser-facing headers of the HTML surfaces (console, hosted form). Written by hand rather than
 * with @fastify/helmet: the two surfaces need different policies (a per-response nonce and an
 * operator's frame-ancestors allowlist on the hosted form), set on a handful of routes, and the
 * whole of it is these few lines.
 */
const COMMON: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/** The console: its own scripts and styles only, no inline script, never framed. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function consoleSecurityHeaders(reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(COMMON)) reply.header(k, v);
  return reply.header("content-security-policy", CONSOLE_CSP).header("x-frame-options", "DENY");
}

/** X-Frame-Options cannot list origins: it is sent only where it says the same as frame-ancestors. */
const xFrameOptionsOf = (ancestors: string): string | undefined =>
  ancestors === "'none'" ? "DENY" : ancestors === "'self'" ? "SAMEORIGIN" : undefined;

/**
 * The hosted form's headers for one response, and the nonce its inline style and script carry:
 * nothing inline runs without it, so an answer that slipped past escaping still could not.
 */
export function hostedFormSecurityHeaders(reply: FastifyReply, frameAncestors: string): string {
  const nonce = randomBytes(16).toString("base64");
  const ancestors = frameAncestors.trim().split(/\s+/).join(" ");
  for (const [k, v] of Object.entries(COMMON)) reply.header(k, v);
  reply.header(
    "content-security-policy",
    [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${ancestors}`,
    ].join("; "),
  );
  const xfo = xFrameOptionsOf(ancestors);
  if (xfo) reply.header("x-frame-options", xfo);
  return nonce;
}
