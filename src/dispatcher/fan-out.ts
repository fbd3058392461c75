import type { AppRecord, AppRole } from "../domain/model.ts";
import type { PageInstallRecord, WebhookSubscriptionRecord } from "../domain/ports.ts";
import type { Services } from "../domain/services.ts";
import { appReceivesLead } from "../domain/webhooks/delivery-rule.ts";
import type { FaultSettings, NewDelivery } from "../domain/webhooks/webhook-repository.ts";

/**
 * Turns outbox rows into deliveries (one per lead and receiving app) and marks them fanned out, in
 * one transaction: a crash before the commit leaves the outbox rows to be fanned out again, and the
 * unique (event, app) index makes a second fan-out of the same rows harmless.
 */
export async function fanOut(services: Services, limit: number, random: () => number): Promise<number> {
  const now = services.clock.nowMs();
  return services.store.transaction(async (tx) => {
    const events = await tx.webhooks.claimLeadEvents(limit);
    if (events.length === 0) return 0;
    const leads = new Map((await tx.leads.getMany(events.map((e) => e.leadId))).map((l) => [l.id, l]));
    const installs = new Map<string, PageInstallRecord[]>();
    const apps = new Map<string, { app: AppRecord | undefined; sub: WebhookSubscriptionRecord | undefined; roles: AppRole[]; faults: FaultSettings }>();
    const rows: NewDelivery[] = [];
    for (const e of events) {
      let pageInstalls = installs.get(e.pageId);
      if (!pageInstalls) {
        pageInstalls = await tx.subscriptions.installsOfPage(e.pageId);
        installs.set(e.pageId, pageInstalls);
      }
      for (const install of pageInstalls) {
        let a = apps.get(install.appId);
        if (!a) {
          const app = await tx.directory.getApp(install.appId);
          const sub = (await tx.subscriptions.listForApp(install.appId)).find((s) => s.object === "page");
          const roles = app?.mode === "development" ? await tx.directory.appRoles(install.appId) : [];
          a = { app, sub, roles, faults: (await tx.webhooks.settings(install.appId)).faults };
          apps.set(install.appId, a);
        }
        if (!a.app) continue;
        const lead = leads.get(e.leadId);
        // A lead deleted before fan-out has nothing left to announce.
        if (!lead) continue;
        if (!appReceivesLead({ app: a.app, subscription: a.sub, install, appRoles: a.roles, submitterUserId: lead.submitterUserId })) continue;
        const delay = a.faults.delayMs + Math.round(a.faults.delayJitterMs * random());
        rows.push({
          id: services.ids.next(), eventId: e.id, appId: install.appId, pageId: e.pageId, formId: e.formId, leadId: e.leadId,
          adId: lead.isTest ? null : e.adId, leadCreatedTime: e.createdTime, kind: "event", redeliveryOf: null,
          createdMs: now, nextAttemptMs: now + delay,
        });
      }
    }
    await tx.webhooks.insertDeliveries(rows);
    await tx.webhooks.markFannedOut(events.map((e) => e.id));
    return events.length;
  });
}
