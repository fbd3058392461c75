import type { Services } from "../domain/services.ts";
import { appReceivesLead } from "../domain/webhooks/delivery-rule.ts";
import type { NewDelivery } from "../domain/webhooks/webhook-repository.ts";
import { DeliverySettingsCache } from "./delivery-settings-cache.ts";

/**
 * Turns outbox rows into deliveries (one per lead and receiving app) and marks them fanned out, in
 * one transaction: a crash before the commit leaves the outbox rows to be fanned out again, and the
 * unique (event, app) index makes a second fan-out of the same rows harmless.
 */
export async function fanOut(
  services: Services,
  limit: number,
  random: () => number,
  cache = new DeliverySettingsCache(),
): Promise<number> {
  const now = services.clock.nowMs();
  return services.store.transaction(async (tx) => {
    const events = await tx.webhooks.claimLeadEvents(limit);
    if (events.length === 0) return 0;
    const leads = new Map((await tx.leads.getMany(events.map((e) => e.leadId))).map((l) => [l.id, l]));
    const rows: NewDelivery[] = [];
    for (const e of events) {
      for (const install of await cache.installs(tx, e.pageId)) {
        const a = await cache.app(tx, install.appId);
        if (!a.app) continue;
        const lead = leads.get(e.leadId);
        // A lead deleted before fan-out has nothing left to announce.
        if (!lead) continue;
        if (
          !appReceivesLead({ app: a.app, subscription: a.subscription, install, appRoles: a.roles, submitterUserId: lead.submitterUserId })
        )
          continue;
        const faults = a.settings.faults;
        const delay = faults.delayMs + Math.round(faults.delayJitterMs * random());
        rows.push({
          id: services.ids.next(),
          eventId: e.id,
          appId: install.appId,
          pageId: e.pageId,
          formId: e.formId,
          leadId: e.leadId,
          adId: lead.isTest ? null : e.adId,
          leadCreatedTime: e.createdTime,
          kind: "event",
          redeliveryOf: null,
          createdMs: now,
          nextAttemptMs: now + delay,
        });
      }
    }
    await tx.webhooks.insertDeliveries(rows);
    await tx.webhooks.markFannedOut(events.map((e) => e.id));
    return events.length;
  });
}
