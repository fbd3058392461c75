import type { AppRecord, AppRole, LeadRecord, PageRecord } from "../model.ts";

/** Tasks that give lead access while the Leads Access Manager was never customised. */
export const LEAD_TASKS = ["MANAGE", "MANAGE_LEADS", "PROFILE_PLUS_MANAGE_LEADS"] as const;

/** Everything `Page.has_lead_access` reports, and what the lead reads decide on. */
export interface LeadAccessDecision {
  pageId: string;
  userId: string | null;
  appId: string;
  enabledLeadAccessManager: boolean;
  isPageAdmin: boolean;
  userHasLeadsPermission: boolean;
  appHasLeadsPermission: boolean;
  canAccessLead: boolean;
  failureReason: string | undefined;
  failureResolution: string | undefined;
  /** Which denial the Graph answers: the CRM one wins, as integrators see it first. */
  denial: "app" | "user" | undefined;
}

/**
 * The Leads Access Manager rule. Never customised (`leadAccess` null): every app, and users with
 * MANAGE or MANAGE_LEADS. Customised: only assigned people and assigned apps, whatever the role.
 * `tasks` is the user's task list on the page (undefined without a role).
 */
export function leadAccessDecision(
  page: PageRecord,
  userId: string | null,
  appId: string,
  tasks: readonly string[] | undefined,
): LeadAccessDecision {
  const isPageAdmin = tasks?.includes("MANAGE") ?? false;
  const customised = page.leadAccess !== null;
  const userHas = customised
    ? userId !== null && page.leadAccess!.userIds.includes(userId)
    : (tasks ?? []).some((t) => (LEAD_TASKS as readonly string[]).includes(t));
  const appHas = customised ? page.leadAccess!.appIds.includes(appId) : true;
  let failureReason: string | undefined;
  let failureResolution: string | undefined;
  let denial: LeadAccessDecision["denial"];
  if (!appHas) {
    denial = "app";
    failureReason = "CRM access has been revoked from Lead Access Manager: this app is not assigned to the Page's leads.";
    failureResolution =
      "A business admin must assign the app (CRM) in Leads Access Manager (Business Settings > Integrations > Leads Access).";
  } else if (!userHas) {
    denial = "user";
    failureReason = customised
      ? "The user is not assigned in the Page's Leads Access Manager."
      : "The user is not a Page admin and has no MANAGE_LEADS task on the Page.";
    failureResolution = customised
      ? "A business admin must assign the user in Leads Access Manager."
      : "Give the user the MANAGE or MANAGE_LEADS task on the Page, or assign them in Leads Access Manager.";
  }
  return {
    pageId: page.id,
    userId,
    appId,
    enabledLeadAccessManager: customised,
    isPageAdmin,
    userHasLeadsPermission: userHas,
    appHasLeadsPermission: appHas,
    canAccessLead: appHas && userHas,
    failureReason,
    failureResolution,
    denial,
  };
}

/**
 * Development-mode apps only see leads of people with a role on the app (the submitter, or for
 * test leads the person who created them). The webhooks engineer uses this for deliveries too.
 */
export function appMaySeeLead(
  app: Pick<AppRecord, "mode">,
  roles: readonly Pick<AppRole, "userId">[],
  lead: Pick<LeadRecord, "submitterUserId" | "isTest"> & Partial<Pick<LeadRecord, "createdByUserId">>,
): boolean {
  if (app.mode !== "development") return true;
  const people = new Set(roles.map((r) => r.userId));
  if (lead.submitterUserId !== null && people.has(lead.submitterUserId)) return true;
  return lead.isTest && lead.createdByUserId != null && people.has(lead.createdByUserId);
}
