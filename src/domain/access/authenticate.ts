import { createHmac, timingSafeEqual } from "node:crypto";
import { type Clock, nowSeconds } from "../clock.ts";
import { errors } from "../errors.ts";
import type { Store } from "../ports.ts";
import { formatSessionTime } from "../time.ts";
import { appIdOfAppToken, isAppOwnToken } from "./app-token.ts";
import type { Caller } from "./caller.ts";
import type { TokenRecord } from "../model.ts";

export interface Credentials {
  token: string | undefined;
  appsecretProof: string | undefined;
}

/** Messages Meta uses for each invalidation subcode. */
export const INVALIDATION_MESSAGES: Record<number, string> = {
  458: "The user has not authorized application.",
  460: "The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
  464: "Sessions for the user are not allowed because the user is not a confirmed user.",
  467: "The access token is invalid since the user logged out or the token was revoked.",
  492: "The session is invalid because the user does not have a role on the page.",
};

export const appsecretProof = (secret: string, token: string): string => createHmac("sha256", secret).update(token).digest("hex");

const sameText = (a: string, b: string): boolean => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

/**
 * Turns credentials into a Caller or the exact Graph error Meta answers: 104 without a token, 190
 * for unknown tokens, 190/463 expired, 190/4xx invalidated, appsecret_proof errors.
 */
export async function authenticate(store: Store, clock: Clock, hash: (token: string) => string, creds: Credentials): Promise<Caller> {
  const token = creds.token?.trim();
  if (!token) throw errors.tokenRequired();
  if (token.length > 1024 || /\s/.test(token)) throw errors.malformedToken();

  const appId = appIdOfAppToken(token);
  if (appId !== undefined) {
    const app = await store.directory.getApp(appId);
    if (!app || !isAppOwnToken(app, token)) {
      // An app token whose secret does not match is one Meta cannot parse either.
      const issued = await store.tokens.findByHash(hash(token));
      if (!issued) throw errors.malformedToken();
    } else {
      // The token carries the secret (or stands for it): no proof is required, a proof sent is checked.
      checkProof(app.secret, false, token, creds.appsecretProof);
      return { type: "APP", app, token: undefined, userId: null, pageId: null, scopes: new Set() };
    }
  }

  const record = await store.tokens.findByHash(hash(token));
  if (!record) throw errors.malformedToken();
  const app = await store.directory.getApp(record.appId);
  if (!app) throw errors.tokenInvalidated(458, INVALIDATION_MESSAGES[458]!);
  if (record.invalidatedSubcode !== null) {
    throw errors.tokenInvalidated(
      record.invalidatedSubcode,
      record.invalidatedReason ?? INVALIDATION_MESSAGES[record.invalidatedSubcode] ?? "The session is invalid.",
    );
  }
  const now = nowSeconds(clock);
  if (record.expiresAt !== null && record.expiresAt <= now) {
    throw errors.tokenExpired(formatSessionTime(record.expiresAt), formatSessionTime(now));
  }
  checkProof(app.secret, app.requireAppsecretProof, token, creds.appsecretProof);
  return {
    type: record.type,
    app,
    token: record,
    userId: record.userId,
    pageId: record.pageId,
    scopes: scopesOf(record),
  };
}

/** A cached token record is read by every request it authenticates: its scopes are a set once. */
const scopeSets = new WeakMap<TokenRecord, ReadonlySet<string>>();
function scopesOf(record: TokenRecord): ReadonlySet<string> {
  let scopes = scopeSets.get(record);
  if (scopes === undefined) {
    scopes = new Set(record.scopes);
    scopeSets.set(record, scopes);
  }
  return scopes;
}

function checkProof(secret: string, required: boolean, token: string, proof: string | undefined): void {
  if (proof === undefined || proof === "") {
    if (required) throw errors.appsecretProofRequired();
    return;
  }
  if (!sameText(proof.toLowerCase(), appsecretProof(secret, token))) throw errors.appsecretProofInvalid();
}
