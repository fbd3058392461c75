import type { Store } from "../ports.ts";
import { INVALIDATION_MESSAGES } from "./authenticate.ts";

/**
 * The events that end long-lived tokens on Meta, each with the 190 subcode callers then see.
 * Rows are kept (marked), so a later call answers the precise reason rather than "cannot parse".
 */

/** Removing a person's role on a page ends their page tokens for that page (190/492). */
export async function removePageRole(store: Store, pageId: string, userId: string): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.directory.removePageRole(pageId, userId);
    return tx.tokens.invalidate({ userId, pageId }, 492, INVALIDATION_MESSAGES[492]!);
  });
}

/** A password change ends every token of that person, page tokens included (190/460). */
export function passwordChanged(store: Store, userId: string): Promise<number> {
  return store.tokens.invalidate({ userId }, 460, INVALIDATION_MESSAGES[460]!);
}

/** The person removed the app from their account (190/458) — their tokens of that app only. */
export function appRemovedByUser(store: Store, appId: string, userId: string): Promise<number> {
  return store.tokens.invalidate({ appId, userId }, 458, INVALIDATION_MESSAGES[458]!);
}

/** The app itself is deleted: all its tokens answer 190/458. */
export function appDeleted(store: Store, appId: string): Promise<number> {
  return store.tokens.invalidate({ appId }, 458, INVALIDATION_MESSAGES[458]!);
}

/** An explicit revocation (admin API, `leadgraph token revoke`): 190/467. */
export async function revokeToken(store: Store, tokenId: string): Promise<boolean> {
  return (await store.tokens.invalidate({ id: tokenId }, 467, INVALIDATION_MESSAGES[467]!)) > 0;
}
