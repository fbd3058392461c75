import type { AppRecord, AppRole } from "../model.ts";
import type { PageInstallRecord, WebhookSubscriptionRecord } from "../ports.ts";

/**
 * Whether a lead goes to an app: Meta delivers only fields subscribed at both levels (the app's
 * `page` subscription and the page's install of the app), and a development-mode app only hears
 * about leads of people with a role on it.
 */
export function appReceivesLead(input: {
  app: AppRecord;
  subscription: WebhookSubscriptionRecord | undefined;
  install: PageInstallRecord | undefined;
  appRoles: readonly AppRole[];
  submitterUserId: string | null;
}): boolean {
  const { app, subscription, install } = input;
  if (!subscription || subscription.object !== "page" || !subscription.active || !subscription.fields.includes("leadgen")) return false;
  if (!install || !install.subscribedFields.includes("leadgen")) return false;
  if (app.mode === "development") {
    return input.submitterUserId !== null && input.appRoles.some((r) => r.userId === input.submitterUserId);
  }
  return true;
}
