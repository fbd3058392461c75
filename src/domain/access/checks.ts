import { accessErrors, errors } from "../errors.ts";
import type { Store } from "../ports.ts";
import type { Caller } from "./caller.ts";
import { INVALIDATION_MESSAGES } from "./authenticate.ts";

/**
 * Small checks any Graph route can call (docs/permissions.md). Each returns or throws the exact
 * GraphError Meta answers.
 */

/** `(#200) Requires <scope> permission to manage the object`. */
export function assertScope(caller: Caller, scope: string): void {
  if (caller.type === "APP") return;
  if (!caller.scopes.has(scope)) throw errors.permissionMissing(scope);
}

/** `(#190) This method must be called with a Page Access Token`; a token of another page sees 100/33. */
export function assertPageToken(caller: Caller, pageId?: string, objectId?: string): void {
  if (caller.type !== "PAGE") throw errors.pageTokenRequired();
  if (pageId !== undefined && caller.pageId !== pageId) throw errors.unknownObject(objectId ?? pageId);
}

/** `(#15) This method must be called with an app access_token` (subscriptions, debug_token). */
export function assertAppToken(caller: Caller): void {
  if (caller.type !== "APP") throw accessErrors.appTokenRequired();
}

export function assertUserToken(caller: Caller): void {
  if (caller.type !== "USER" && caller.type !== "SYSTEM_USER") throw accessErrors.userTokenRequired();
}

/**
 * The caller's tasks on a page, or the error Meta answers: 100/33 when the caller has nothing to do
 * with the page (same as a missing object); 190/492 when a page token's user lost their role.
 */
export async function requirePageTasks(store: Store, caller: Caller, pageId: string, objectId: string): Promise<string[]> {
  if (caller.type === "APP" || caller.userId === null) throw errors.unknownObject(objectId);
  if (caller.type === "PAGE" && caller.pageId !== pageId) throw errors.unknownObject(objectId);
  const role = (await store.directory.rolesOfUser(caller.userId)).find((r) => r.pageId === pageId);
  if (!role) {
    if (caller.type === "PAGE") throw errors.tokenInvalidated(492, INVALIDATION_MESSAGES[492]!);
    throw errors.unknownObject(objectId);
  }
  return role.tasks;
}

/** A page task or, failing that, `(#200) Requires the <TASK> task on the Page`. MANAGE implies every task. */
export function assertTask(tasks: readonly string[], ...anyOf: string[]): void {
  if (tasks.includes("MANAGE") || anyOf.some((t) => tasks.includes(t))) return;
  throw errors.permissionsError(`Requires the ${anyOf.join(" or ")} task on the Page`);
}

/** `POST|DELETE /{page-id}/subscribed_apps`: a page token, MODERATE (or MANAGE), pages_manage_metadata. */
export async function assertCanManagePageApps(store: Store, caller: Caller, pageId: string, objectId = pageId): Promise<void> {
  assertPageToken(caller, pageId, objectId);
  const tasks = await requirePageTasks(store, caller, pageId, objectId);
  assertScope(caller, "pages_manage_metadata");
  assertTask(tasks, "MODERATE");
}
