import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppRecord } from "../model.ts";

const APP_TOKEN = /^(\d{1,20})\|(.+)$/;

const sameText = (a: string, b: string): boolean => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

/**
 * The app token `client_credentials` hands back: the same text every time for one app and secret
 * (as Meta's), `APP_ID|` and 27 letters and digits derived from the secret, so it needs no row and
 * stops working when the secret is reset.
 */
export function stableAppToken(app: Pick<AppRecord, "id" | "secret">): string {
  // 88 base64 characters, of which about 3 are not alphanumeric: 27 always remain.
  const mac = createHmac("sha512", app.secret)
    .update(`leadgraph app token ${app.id}`)
    .digest("base64")
    .replace(/[^A-Za-z0-9]/g, "");
  return `${app.id}|${mac.slice(0, 27)}`;
}

/** The app id named by a token shaped `APP_ID|…`, or undefined. */
export const appIdOfAppToken = (token: string): string | undefined => APP_TOKEN.exec(token)?.[1];

/**
 * Whether `token` is one of the app's own app tokens: the literal `APP_ID|APP_SECRET` or its
 * stable client_credentials token. Both carry (or stand for) the secret, so Meta asks no
 * appsecret_proof with them.
 */
export function isAppOwnToken(app: Pick<AppRecord, "id" | "secret">, token: string): boolean {
  const m = APP_TOKEN.exec(token);
  if (!m || m[1] !== app.id) return false;
  return sameText(m[2]!, app.secret) || sameText(token, stableAppToken(app));
}
