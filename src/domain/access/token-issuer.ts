import { randomBytes } from "node:crypto";
import { nowSeconds } from "../clock.ts";
import type { TokenRecord, TokenType } from "../model.ts";
import type { Services } from "../services.ts";
import { DATA_ACCESS_SECONDS, lifetimeFor } from "./token-lifetimes.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random alphanumeric text (rejection sampling keeps it unbiased). */
function randomText(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALNUM[b % 62];
    }
  }
  return out;
}

/** Token text shaped like Meta's (`EAAB…`, ~190 characters); app tokens are `APP_ID|random`. */
export function newTokenText(type: TokenType, appId: string): string {
  return type === "APP" ? `${appId}|${randomText(27)}` : `EAAB${randomText(186)}`;
}

export interface IssueRequest {
  type: TokenType;
  appId: string;
  userId?: string | null;
  pageId?: string | null;
  scopes: readonly string[];
  longLived?: boolean;
  /** Overrides the kind's lifetime: seconds from now, or null for never. */
  expiresIn?: number | null;
  /** The user token a page token is made from (its lifetime is inherited). */
  parent?: TokenRecord;
  label?: string | null;
  /** A caller-chosen token text (world files and the admin API allow it, for reproducible sandboxes). */
  text?: string;
  /** Backdates the token (lifetimes count from here). */
  issuedAt?: number;
}

export interface IssuedToken {
  text: string;
  record: TokenRecord;
}

/**
 * Creates and stores a token; the text is returned once and only its hash is kept. Callers have
 * validated that the app, user and page exist and that the user may act for the page.
 */
export async function issueToken(services: Services, req: IssueRequest): Promise<IssuedToken> {
  const now = req.issuedAt ?? nowSeconds(services.clock);
  const longLived = req.parent ? req.parent.longLived : (req.longLived ?? false);
  const life = lifetimeFor(req.type, now, { longLived, parentExpiresAt: req.parent?.expiresAt ?? null });
  const expiresAt = req.expiresIn === undefined ? life.expiresAt : req.expiresIn === null ? null : now + req.expiresIn;
  const text = req.text ?? newTokenText(req.type, req.appId);
  const record: TokenRecord = {
    id: services.ids.next(),
    type: req.type,
    appId: req.appId,
    userId: req.userId ?? null,
    pageId: req.type === "PAGE" ? (req.pageId ?? null) : null,
    scopes: [...new Set(req.scopes)],
    issuedAt: now,
    expiresAt,
    dataAccessExpiresAt: req.type === "APP" ? null : (req.parent?.dataAccessExpiresAt ?? now + DATA_ACCESS_SECONDS),
    longLived: expiresAt === null ? true : life.longLived,
    invalidatedSubcode: null,
    invalidatedReason: null,
    label: req.label ?? null,
    displayPrefix: `${text.slice(0, 8)}…`,
  };
  await services.store.tokens.insert(record, services.hashToken(text));
  return { text, record };
}
