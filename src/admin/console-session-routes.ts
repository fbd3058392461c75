import { nowSeconds } from "../domain/clock.ts";
import { CONSOLE_TOKEN_LABEL } from "../domain/access/console-token.ts";
import { issueToken } from "../domain/access/token-issuer.ts";
import type { ConsoleSession, ConsoleSessionPage } from "../contract/index.ts";
import type { AppRecord, PageRecord } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes } from "./admin-kit.ts";
import { consoleSessionApi } from "./console-session-api.ts";

/** Console tokens are short: a signed-in console asks again when one expires (or the clock moves). */
export const CONSOLE_TOKEN_SECONDS = 3600;
const CONSOLE_SCOPES = [
  "leads_retrieval",
  "pages_show_list",
  "pages_read_engagement",
  "pages_manage_metadata",
  "pages_manage_ads",
  "ads_management",
];

/** Live apps first: a development-mode app only sees leads of people with a role on it. */
const preferLive = (apps: AppRecord[]) =>
  [...apps].sort((a, b) => Number(a.mode !== "live") - Number(b.mode !== "live") || a.id.localeCompare(b.id));

async function pageSession(services: Services, page: PageRecord, app: AppRecord | undefined, now: number): Promise<ConsoleSessionPage> {
  const base = { id: page.id, name: page.name, category: page.category };
  if (!app) return { ...base, unavailable_reason: "No app exists, so no token can be issued to read this page." };
  const roles = await services.store.directory.pageRoles(page.id);
  // A MANAGE role sees everything the page offers; any role is enough to read its leads today.
  const role = roles.find((r) => r.tasks.includes("MANAGE")) ?? roles[0];
  if (!role) return { ...base, unavailable_reason: "Nobody has a role on this page, so no page token can be issued for it." };
  const issued = await issueToken(services, {
    type: "PAGE",
    appId: app.id,
    userId: role.userId,
    pageId: page.id,
    scopes: CONSOLE_SCOPES,
    issuedAt: now,
    expiresIn: CONSOLE_TOKEN_SECONDS,
    label: CONSOLE_TOKEN_LABEL,
  });
  return { ...base, access_token: issued.text, app_id: app.id, user_id: role.userId, expires_at: now + CONSOLE_TOKEN_SECONDS };
}

/** Every sign-in mints tokens; the expired ones of earlier sessions are of no use to anyone. */
async function dropExpiredConsoleTokens(services: Services, now: number): Promise<void> {
  for (const t of await services.store.tokens.list({})) {
    if (t.label === CONSOLE_TOKEN_LABEL && t.expiresAt !== null && t.expiresAt <= now) await services.store.tokens.delete(t.id);
  }
}

/**
 * `POST /_leadgraph/admin/console/session`: the pages the console shows, each with a short-lived
 * page token so the console reads forms and leads through the Graph API like any integration does.
 * Tokens are issued like any other (domain token issuer) and labelled `console`.
 */
export const consoleSessionRoutes: HttpModule = async (app, runtime, links) => {
  adminRoutes(
    app,
    runtime,
    links,
  )(consoleSessionApi.open, async (): Promise<ConsoleSession> => {
    const services = runtime.services;
    const now = nowSeconds(services.clock);
    const [first] = preferLive(await services.store.directory.listApps());
    const pages = await services.store.directory.listPages();
    await dropExpiredConsoleTokens(services, now);
    const data: ConsoleSessionPage[] = [];
    for (const page of pages) data.push(await pageSession(services, page, first, now));
    return { data, now, clock: runtime.clockControl.mode, graph_version: runtime.config.graphVersion };
  });
};
