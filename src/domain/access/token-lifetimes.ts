import type { TokenType } from "../model.ts";

/** Meta's lifetimes: short-lived user tokens last about an hour, long-lived ones about 60 days. */
export const SHORT_LIVED_SECONDS = 3600;
export const LONG_LIVED_SECONDS = 60 * 86_400;
/** What Meta answers as `expires_in` after an exchange (a little under 60 days). */
export const EXCHANGED_EXPIRES_IN = 5_183_944;
/** Data access expires 90 days after the person last used the app. */
export const DATA_ACCESS_SECONDS = 90 * 86_400;
/** Apps created after this date need `leads_retrieval` to read leads. */
export const LEADS_RETRIEVAL_REQUIRED_AFTER = 1_530_489_600; // 2018-07-02T00:00:00Z

export interface Lifetime {
  expiresAt: number | null;
  longLived: boolean;
}

/**
 * The expiry a new token gets. USER: 1 h, or 60 days when long-lived. PAGE: inherits from the user
 * token it is made from — short-lived from short-lived (same expiry), never from long-lived.
 * APP and SYSTEM_USER: never.
 */
export function lifetimeFor(type: TokenType, now: number, opts: { longLived: boolean; parentExpiresAt?: number | null }): Lifetime {
  switch (type) {
    case "USER":
      return { expiresAt: now + (opts.longLived ? LONG_LIVED_SECONDS : SHORT_LIVED_SECONDS), longLived: opts.longLived };
    case "PAGE":
      if (opts.longLived) return { expiresAt: null, longLived: true };
      return { expiresAt: opts.parentExpiresAt ?? now + SHORT_LIVED_SECONDS, longLived: false };
    case "APP":
    case "SYSTEM_USER":
      return { expiresAt: null, longLived: true };
  }
}
