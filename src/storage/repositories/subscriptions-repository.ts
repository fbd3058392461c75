import type { Kysely } from "kysely";
import type { PageInstallRecord, SubscriptionRepository, WebhookSubscriptionRecord } from "../../domain/ports.ts";
import { webhookConfigChanges } from "../../domain/webhooks/config-changes.ts";
import type { Database } from "../schema.ts";
import { openSealed, type SecretBox } from "../secret-box.ts";

/** Verify tokens are sealed at rest like app secrets (the handshake needs them back in plain). */
export class KyselySubscriptionRepository implements SubscriptionRepository {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }
  async listForApp(appId: string): Promise<WebhookSubscriptionRecord[]> {
    const rows = await this.#db.selectFrom("webhook_subscriptions").selectAll().where("app_id", "=", appId).orderBy("object").execute();
    return rows.map((r) => ({
      appId: r.app_id,
      object: r.object,
      callbackUrl: r.callback_url,
      fields: JSON.parse(r.fields),
      verifyToken: openSealed(this.#box, r.verify_token),
      includeValues: r.include_values === 1,
      active: r.active === 1,
      createdTime: Number(r.created_time),
      ...(r.field_versions ? { fieldVersions: JSON.parse(r.field_versions) as Record<string, string> } : {}),
    }));
  }
  async upsert(s: WebhookSubscriptionRecord): Promise<void> {
    const row = {
      app_id: s.appId,
      object: s.object,
      callback_url: s.callbackUrl,
      fields: JSON.stringify(s.fields),
      verify_token: this.#box.seal(s.verifyToken),
      include_values: s.includeValues ? 1 : 0,
      active: s.active ? 1 : 0,
      created_time: s.createdTime,
      field_versions: s.fieldVersions ? JSON.stringify(s.fieldVersions) : null,
      // An active subscription starts healthy again (a re-subscribe after auto-disable).
      ...(s.active ? { failing_since_ms: null, disabled_ms: null, disabled_reason: null } : {}),
    };
    await this.#db
      .insertInto("webhook_subscriptions")
      .values(row)
      .onConflict((oc) => oc.columns(["app_id", "object"]).doUpdateSet(row))
      .execute();
    webhookConfigChanges.bump();
  }
  async remove(appId: string, object?: string): Promise<void> {
    let q = this.#db.deleteFrom("webhook_subscriptions").where("app_id", "=", appId);
    if (object !== undefined) q = q.where("object", "=", object);
    await q.execute();
    webhookConfigChanges.bump();
  }
  async installsOfPage(pageId: string): Promise<PageInstallRecord[]> {
    const rows = await this.#db.selectFrom("page_installs").selectAll().where("page_id", "=", pageId).orderBy("app_id").execute();
    return rows.map((r) => ({
      pageId: r.page_id,
      appId: r.app_id,
      subscribedFields: JSON.parse(r.subscribed_fields),
      createdTime: Number(r.created_time),
    }));
  }
  async upsertInstall(i: PageInstallRecord): Promise<void> {
    const row = { page_id: i.pageId, app_id: i.appId, subscribed_fields: JSON.stringify(i.subscribedFields), created_time: i.createdTime };
    await this.#db
      .insertInto("page_installs")
      .values(row)
      .onConflict((oc) => oc.columns(["page_id", "app_id"]).doUpdateSet(row))
      .execute();
    webhookConfigChanges.bump();
  }
  async removeInstall(pageId: string, appId: string): Promise<void> {
    await this.#db.deleteFrom("page_installs").where("page_id", "=", pageId).where("app_id", "=", appId).execute();
    webhookConfigChanges.bump();
  }
}
