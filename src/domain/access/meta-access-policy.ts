import type { Clock } from "../clock.ts";
import { accessErrors, errors } from "../errors.ts";
import type { AppRole } from "../model.ts";
import type { Store } from "../ports.ts";
import { type Credentials, authenticate } from "./authenticate.ts";
import type { AccessPolicy } from "./policy.ts";
import type { Caller } from "./caller.ts";
import { assertPageToken, assertScope, assertTask, requirePageTasks } from "./checks.ts";
import { appMaySeeLead, leadAccessDecision } from "./lead-access.ts";
import { isAdvertiserOrAbove } from "./page-tasks.ts";
import { LEADS_RETRIEVAL_REQUIRED_AFTER } from "./token-lifetimes.ts";

/**
 * Meta's access model (docs/permissions.md): page visibility by role, scopes per call, the Leads
 * Access Manager, ad-level fields for advertisers with ads_management, development-mode apps.
 * Checks run in Meta's order: existence/visibility (100/33) before scopes (#200) before LAM.
 */
export class MetaAccessPolicy implements AccessPolicy {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #hash: (token: string) => string;
  /** App roles per caller, looked up once per request (leadVisible runs per lead). */
  readonly #roles = new WeakMap<Caller, Promise<AppRole[]>>();

  constructor(store: Store, clock: Clock, hash: (token: string) => string) {
    this.#store = store;
    this.#clock = clock;
    this.#hash = hash;
  }

  authenticate(creds: Credentials): Promise<Caller> {
    return authenticate(this.#store, this.#clock, this.#hash, creds);
  }

  async assertCanSeePage(caller: Caller, pageId: string, objectId: string): Promise<void> {
    await requirePageTasks(this.#store, caller, pageId, objectId);
  }

  async assertCanReadLeads(caller: Caller, pageId: string, objectId: string): Promise<void> {
    const tasks = await requirePageTasks(this.#store, caller, pageId, objectId);
    if (caller.app.createdTime > LEADS_RETRIEVAL_REQUIRED_AFTER) assertScope(caller, "leads_retrieval");
    assertScope(caller, "pages_show_list");
    if (!caller.scopes.has("pages_read_engagement")) throw accessErrors.pageReadEngagementMissing();
    const page = await this.#store.directory.getPage(pageId);
    if (!page) throw errors.unknownObject(objectId);
    const decision = leadAccessDecision(page, caller.userId, caller.app.id, tasks);
    if (decision.denial === "app") throw accessErrors.leadAccessAppRevoked();
    if (decision.denial === "user") throw accessErrors.leadAccessUserDenied();
  }

  async adFieldsVisible(caller: Caller, accountId: string): Promise<boolean> {
    if (caller.userId === null || !caller.scopes.has("ads_management")) return false;
    const roles = await this.#store.directory.adAccountRoles(accountId);
    const mine = roles.find((r) => r.userId === caller.userId);
    return mine !== undefined && isAdvertiserOrAbove(mine.role);
  }

  async leadVisible(
    caller: Caller,
    lead: { submitterUserId: string | null; isTest: boolean; createdByUserId?: string | null },
  ): Promise<boolean> {
    if (caller.app.mode !== "development") return true;
    return appMaySeeLead(caller.app, await this.#appRoles(caller), lead);
  }

  async visibleLeads<T extends { submitterUserId: string | null; isTest: boolean }>(caller: Caller, leads: readonly T[]): Promise<T[]> {
    if (caller.app.mode !== "development") return [...leads];
    const roles = await this.#appRoles(caller);
    return leads.filter((lead) => appMaySeeLead(caller.app, roles, lead));
  }

  #appRoles(caller: Caller): Promise<AppRole[]> {
    let roles = this.#roles.get(caller);
    if (!roles) {
      roles = this.#store.directory.appRoles(caller.app.id);
      this.#roles.set(caller, roles);
    }
    return roles;
  }

  async assertCanAdvertiseOnPage(caller: Caller, pageId: string, objectId: string): Promise<void> {
    if (caller.type !== "PAGE") {
      // Whoever cannot see the page learns nothing; whoever can is told to use a page token.
      await requirePageTasks(this.#store, caller, pageId, objectId);
      assertPageToken(caller);
    }
    const tasks = await requirePageTasks(this.#store, caller, pageId, objectId);
    assertScope(caller, "pages_manage_ads");
    assertTask(tasks, "ADVERTISE");
  }
}
