import type { Store } from "../ports.ts";
import type { Caller } from "./caller.ts";
import { isAdvertiserOrAbove } from "./page-tasks.ts";

/**
 * The foundation's access rules: a page token sees its own page; a user or system-user token sees
 * pages where its user has a role. The full model (scopes, Leads Access Manager, development-mode
 * apps) builds on these functions; see docs/permissions.md.
 */
export async function pageTasksOf(store: Store, caller: Caller, pageId: string): Promise<string[] | undefined> {
  if (caller.type === "APP") return undefined;
  if (caller.type === "PAGE" && caller.pageId !== pageId) return undefined;
  if (caller.userId === null) return undefined;
  const roles = await store.directory.rolesOfUser(caller.userId);
  return roles.find((r) => r.pageId === pageId)?.tasks;
}

export async function canSeePage(store: Store, caller: Caller, pageId: string): Promise<boolean> {
  return (await pageTasksOf(store, caller, pageId)) !== undefined;
}

/** Whether ad-level lead fields (ad_id, ad_name, adset_*, campaign_*) are shown for this ad account. */
export async function canSeeAdFields(store: Store, caller: Caller, accountId: string): Promise<boolean> {
  if (caller.userId === null) return false;
  const roles = await store.directory.adAccountRoles(accountId);
  const mine = roles.find((r) => r.userId === caller.userId);
  return mine !== undefined && isAdvertiserOrAbove(mine.role);
}
