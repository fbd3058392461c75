import type { Credentials } from "./authenticate.ts";
import type { Caller } from "./caller.ts";

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
  /** The leads of a page of results this caller may see, in order (leadVisible for many at once). */
  visibleLeads<T extends { submitterUserId: string | null; isTest: boolean }>(caller: Caller, leads: readonly T[]): Promise<T[]>;
  /** Creating forms and test leads: page token with the ADVERTISE task. */
  assertCanAdvertiseOnPage(caller: Caller, pageId: string, objectId: string): Promise<void>;
}
