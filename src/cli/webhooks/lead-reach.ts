import { type AdminTarget, adminCall } from "./admin-client.ts";

interface SubscriptionsAnswer {
  data: { app_id: string; disabled_reason: string | null; subscriptions: { object: string; fields: string[]; active: boolean }[] }[];
}
interface InstallsAnswer {
  data: { page_id: string; app_id: string; subscribed_fields: string[] }[];
}

/** What the server knows about who would receive a page's leadgen webhooks. */
export interface ReachState {
  subscriptions: SubscriptionsAnswer["data"];
  installs: InstallsAnswer["data"];
}

export async function readReach(t: AdminTarget): Promise<ReachState> {
  const [subs, installs] = await Promise.all([
    adminCall<SubscriptionsAnswer>(t, "GET", "/subscriptions"),
    adminCall<InstallsAnswer>(t, "GET", "/installs"),
  ]);
  return { subscriptions: subs.data, installs: installs.data };
}

const hasLeadgen = (fields: string[]) => fields.includes("leadgen");

/** Why app `appId` receives no page's leads (empty when some page's leads reach it). */
export function appReachProblems(state: ReachState, appId: string, installHint: string): string[] {
  const installed = state.installs.filter((i) => i.app_id === appId && hasLeadgen(i.subscribed_fields));
  if (installed.length > 0) return [];
  return [
    `app ${appId} is installed on no page with the leadgen field, so no lead will reach it.`,
    `Install it on a page with a page token: ${installHint}`,
  ];
}

/**
 * Why a lead on page `pageId` would reach no subscriber: no app installed for leadgen, or each
 * installed app without an active page/leadgen subscription, or with delivery disabled.
 * Empty when at least one app would receive it.
 */
export function pageReachProblems(state: ReachState, pageId: string, installHint: string): string[] {
  const installed = state.installs.filter((i) => i.page_id === pageId && hasLeadgen(i.subscribed_fields));
  if (installed.length === 0) {
    return [
      `no app is installed on page ${pageId} with the leadgen field, so its leads reach no webhook.`,
      `Install one with a page token: ${installHint}`,
    ];
  }
  const problems: string[] = [];
  for (const { app_id: appId } of installed) {
    const app = state.subscriptions.find((s) => s.app_id === appId);
    const sub = app?.subscriptions.find((s) => s.object === "page" && hasLeadgen(s.fields));
    if (!app || !sub)
      problems.push(
        `app ${appId} is installed on page ${pageId} but has no leadgen webhook subscription (run \`leadgraph listen --app ${appId} --forward-to …\` or POST /{app-id}/subscriptions).`,
      );
    else if (!sub.active) problems.push(`app ${appId}'s leadgen subscription is inactive.`);
    else if (app.disabled_reason)
      problems.push(
        `app ${appId}'s webhook delivery is disabled: ${app.disabled_reason} (re-enable it in the console or with \`leadgraph webhooks\`).`,
      );
    else return [];
  }
  return problems;
}

/** The curl line that installs an app on a page, with the server's URL filled in. */
export function installHintFor(url: string, pageId = "<PAGE_ID>"): string {
  return `curl -X POST '${url}/v25.0/${pageId}/subscribed_apps?subscribed_fields=leadgen&access_token=<PAGE_TOKEN>'`;
}
