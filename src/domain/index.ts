export * from "./errors.ts";
export * from "./clock.ts";
export * from "./ids.ts";
export * from "./time.ts";
export * from "./fields.ts";
export * from "./filtering.ts";
export * from "./cursor.ts";
export * from "./retention.ts";
export type * from "./model.ts";
export type * from "./ports.ts";
export type { Services } from "./services.ts";
export type { Caller } from "./access/caller.ts";
export { hasScope } from "./access/caller.ts";
export { type AccessPolicy, BasicAccessPolicy } from "./access/policy.ts";
export { authenticate, appsecretProof, INVALIDATION_MESSAGES, type Credentials } from "./access/authenticate.ts";
export { PAGE_TASKS, AD_ACCOUNT_ROLES, isAdvertiserOrAbove } from "./access/page-tasks.ts";
export { canSeePage, canSeeAdFields, pageTasksOf } from "./access/page-access.ts";
export { type LeadReadMeter, type LeadgenUsage, UsageReport, unmeteredReads } from "./rate-limit/meter.ts";
export { LeadIntake, LeadInputError, PLATFORMS, type NewLead, type IntakeOptions } from "./leads/lead-intake.ts";
export { buildFormDefinition, FORM_LOCALES, THANK_YOU_BUTTON_TYPES, type DefinitionIssue } from "./forms/form-definition.ts";
export * from "./forms/question-types.ts";
export { MetaAccessPolicy } from "./access/meta-access-policy.ts";
export {
  assertScope, assertPageToken, assertAppToken, assertUserToken, assertTask, requirePageTasks, assertCanManagePageApps,
} from "./access/checks.ts";
export { leadAccessDecision, appMaySeeLead, LEAD_TASKS, type LeadAccessDecision } from "./access/lead-access.ts";
export { issueToken, newTokenText, type IssueRequest, type IssuedToken } from "./access/token-issuer.ts";
export * from "./access/token-lifetimes.ts";
export { removePageRole, passwordChanged, appRemovedByUser, appDeleted, revokeToken } from "./access/invalidation.ts";
