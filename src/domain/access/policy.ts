import type { Clock } from "../clock.ts";
import { errors } from "../errors.ts";
import type { Store } from "../ports.ts";
import { type Credentials, authenticate } from "./authenticate.ts";
import type { Caller } from "./caller.ts";
import { canSeeAdFields, canSeePage, pageTasksOf } from "./page-access.ts";

/**
 * The decisions the Graph surface asks for. Each method either returns or throws the GraphError
 * Meta would answer. A caller who may not see an object gets the same 100/33 as for an object
 * that does not exist, so existence never leaks.
 */
export interface AccessPolicy {
  authenticate(creds: Credentials): Promise<Caller>;
  /** Page metadata (name, category, forms list). */
  assertCanSeePage(caller: Caller, pageId: string, objectId: string): Promise<void>;
  /** Lead data of a page (lead node, leads edges, export, expansion into leads). */
  assertCanReadLeads(caller: Caller, pageId: string, objectId: string): Promise<void>;
  /** Whether ad-level fields of leads in this ad account are shown (omitted silently otherwise). */
  adFieldsVisible(caller: Caller, accountId: string): Promise<boolean>;
  /** Whether a lead is visible to this caller at all (development-mode apps see only their role users' leads). */
  leadVisible(caller: Caller, lead: { submitterUserId: string | null; isTest: boolean }): Promise<boolean>;
  /** Creating forms and test leads: page token with the ADVERTISE task. */
  assertCanAdvertiseOnPage(caller: Caller, pageId: string, objectId: string): Promise<void>;
}

export class BasicAccessPolicy implements AccessPolicy {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hash: (token: string) => string,
  ) {}

  authenticate(creds: Credentials): Promise<Caller> {
    return authenticate(this.store, this.clock, this.hash, creds);
  }

  async assertCanSeePage(caller: Caller, pageId: string, objectId: string): Promise<void> {
    if (!(await canSeePage(this.store, caller, pageId))) throw errors.unknownObject(objectId);
  }

  async assertCanReadLeads(caller: Caller, pageId: string, objectId: string): Promise<void> {
    await this.assertCanSeePage(caller, pageId, objectId);
  }

  adFieldsVisible(caller: Caller, accountId: string): Promise<boolean> {
    return canSeeAdFields(this.store, caller, accountId);
  }

  async leadVisible(): Promise<boolean> {
    return true;
  }

  async assertCanAdvertiseOnPage(caller: Caller, pageId: string, objectId: string): Promise<void> {
    const tasks = await pageTasksOf(this.store, caller, pageId);
    if (tasks === undefined) throw errors.unknownObject(objectId);
    if (!tasks.includes("ADVERTISE") && !tasks.includes("MANAGE")) throw errors.permissionsError("Requires the ADVERTISE task on the Page");
  }
}
