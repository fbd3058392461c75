import { type Kysely, sql } from "kysely";
import type {
  AdAccountRecord,
  AdAccountRole,
  AdAccountRoleName,
  AdAttribution,
  AdRecord,
  AdSetRecord,
  AppMode,
  AppRecord,
  AppRole,
  CampaignRecord,
  PageLocation,
  PageRecord,
  PageRole,
  UserRecord,
} from "../../domain/model.ts";
import type { DirectoryRepository, ObjectKind } from "../../domain/ports.ts";
import { webhookConfigChanges } from "../../domain/webhooks/config-changes.ts";
import type { Database } from "../schema.ts";
import type { SecretBox } from "../secret-box.ts";
import { PreparedQuery } from "../prepared-query.ts";

// Leads first: they are by far the most looked-up objects. One statement probes every table in
// order and stops at the first hit. Compiled once (with and without the lead probe): every Graph
// request on an id asks it.
const PROBES: [ObjectKind, string][] = [
  ["lead", "leads"],
  ["form", "forms"],
  ["page", "pages"],
  ["ad", "ads"],
  ["adset", "adsets"],
  ["campaign", "campaigns"],
  ["app", "apps"],
  ["user", "users"],
];
const kindProbe = (withLead: boolean) =>
  new PreparedQuery<{ id: string }, { kind: ObjectKind }>((db, param) => {
    const parts = PROBES.filter(([kind]) => withLead || kind !== "lead").map(
      ([kind, table]) => sql`select ${kind} as kind from ${sql.table(table)} where id = ${param("id")}`,
    );
    return sql<{ kind: ObjectKind }>`select kind from (${sql.join(parts, sql` union all `)}) as hits limit 1`.compile(db);
  });
const kindOfAny = kindProbe(true);
const kindOfNotLead = kindProbe(false);

export class KyselyDirectoryRepository implements DirectoryRepository {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    const r = await this.#db.selectFrom("apps").selectAll().where("id", "=", id).executeTakeFirst();
    return r && this.#app(r);
  }
  async listApps(): Promise<AppRecord[]> {
    return (await this.#db.selectFrom("apps").selectAll().orderBy("id").execute()).map((r) => this.#app(r));
  }
  async upsertApp(a: AppRecord): Promise<void> {
    const row = {
      id: a.id,
      name: a.name,
      secret_enc: this.#box.seal(a.secret),
      mode: a.mode,
      created_time: a.createdTime,
      require_appsecret_proof: a.requireAppsecretProof ? 1 : 0,
    };
    await this.#db
      .insertInto("apps")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
    // An app's secret signs its deliveries and its mode decides who receives them.
    webhookConfigChanges.bump();
  }
  async deleteApp(id: string): Promise<void> {
    await this.#db.deleteFrom("apps").where("id", "=", id).execute();
    webhookConfigChanges.bump();
  }
  async appRoles(appId: string): Promise<AppRole[]> {
    const rows = await this.#db.selectFrom("app_roles").selectAll().where("app_id", "=", appId).execute();
    return rows.map((r) => ({ appId: r.app_id, userId: r.user_id, role: r.role as AppRole["role"] }));
  }
  async setAppRoles(appId: string, roles: readonly AppRole[]): Promise<void> {
    await this.#db.deleteFrom("app_roles").where("app_id", "=", appId).execute();
    if (roles.length > 0) {
      await this.#db
        .insertInto("app_roles")
        .values(roles.map((r) => ({ app_id: appId, user_id: r.userId, role: r.role })))
        .execute();
    }
    // A development-mode app delivers only its role holders' leads.
    webhookConfigChanges.bump();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.#db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }
  async listUsers(): Promise<UserRecord[]> {
    return this.#db.selectFrom("users").selectAll().orderBy("id").execute();
  }
  async upsertUser(u: UserRecord): Promise<void> {
    await this.#db
      .insertInto("users")
      .values(u)
      .onConflict((oc) => oc.column("id").doUpdateSet({ name: u.name }))
      .execute();
  }

  async getPage(id: string): Promise<PageRecord | undefined> {
    const r = await this.#db.selectFrom("pages").selectAll().where("id", "=", id).executeTakeFirst();
    return r && pageRecord(r);
  }
  async listPages(): Promise<PageRecord[]> {
    return (await this.#db.selectFrom("pages").selectAll().orderBy("id").execute()).map(pageRecord);
  }
  async upsertPage(p: PageRecord): Promise<void> {
    const row = {
      id: p.id,
      name: p.name,
      category: p.category,
      created_time: p.createdTime,
      lead_access: p.leadAccess === null ? null : JSON.stringify(p.leadAccess),
    };
    await this.#db
      .insertInto("pages")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
  }
  async pageRoles(pageId: string): Promise<PageRole[]> {
    const rows = await this.#db.selectFrom("page_roles").selectAll().where("page_id", "=", pageId).orderBy("user_id").execute();
    return rows.map(roleRecord);
  }
  async rolesOfUser(userId: string): Promise<PageRole[]> {
    const rows = await this.#db.selectFrom("page_roles").selectAll().where("user_id", "=", userId).orderBy("page_id").execute();
    return rows.map(roleRecord);
  }
  async setPageRole(r: PageRole): Promise<void> {
    const row = { page_id: r.pageId, user_id: r.userId, tasks: JSON.stringify(r.tasks) };
    await this.#db
      .insertInto("page_roles")
      .values(row)
      .onConflict((oc) => oc.columns(["page_id", "user_id"]).doUpdateSet({ tasks: row.tasks }))
      .execute();
  }
  async removePageRole(pageId: string, userId: string): Promise<void> {
    await this.#db.deleteFrom("page_roles").where("page_id", "=", pageId).where("user_id", "=", userId).execute();
  }
  async locations(pageId: string): Promise<PageLocation[]> {
    const rows = await this.#db.selectFrom("page_locations").selectAll().where("page_id", "=", pageId).orderBy("store_number").execute();
    return rows.map((r) => ({
      pageId: r.page_id,
      storeNumber: r.store_number,
      name: r.name,
      street: r.street,
      city: r.city,
      zip: r.zip,
      country: r.country,
      latitude: r.latitude,
      longitude: r.longitude,
    }));
  }
  async upsertLocation(l: PageLocation): Promise<void> {
    const row = {
      page_id: l.pageId,
      store_number: l.storeNumber,
      name: l.name,
      street: l.street,
      city: l.city,
      zip: l.zip,
      country: l.country,
      latitude: l.latitude,
      longitude: l.longitude,
    };
    await this.#db
      .insertInto("page_locations")
      .values(row)
      .onConflict((oc) => oc.columns(["page_id", "store_number"]).doUpdateSet(row))
      .execute();
  }

  async getAdAccount(id: string): Promise<AdAccountRecord | undefined> {
    return this.#db.selectFrom("ad_accounts").selectAll().where("id", "=", id).executeTakeFirst();
  }
  async upsertAdAccount(a: AdAccountRecord): Promise<void> {
    await this.#db
      .insertInto("ad_accounts")
      .values(a)
      .onConflict((oc) => oc.column("id").doUpdateSet({ name: a.name }))
      .execute();
  }
  async adAccountRoles(accountId: string): Promise<AdAccountRole[]> {
    const rows = await this.#db.selectFrom("ad_account_roles").selectAll().where("account_id", "=", accountId).execute();
    return rows.map((r) => ({ accountId: r.account_id, userId: r.user_id, role: r.role as AdAccountRoleName }));
  }
  async setAdAccountRole(r: AdAccountRole): Promise<void> {
    await this.#db
      .insertInto("ad_account_roles")
      .values({ account_id: r.accountId, user_id: r.userId, role: r.role })
      .onConflict((oc) => oc.columns(["account_id", "user_id"]).doUpdateSet({ role: r.role }))
      .execute();
  }
  async getCampaign(id: string): Promise<CampaignRecord | undefined> {
    const r = await this.#db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
    return r && { id: r.id, accountId: r.account_id, name: r.name };
  }
  async upsertCampaign(c: CampaignRecord): Promise<void> {
    const row = { id: c.id, account_id: c.accountId, name: c.name };
    await this.#db
      .insertInto("campaigns")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
  }
  async getAdSet(id: string): Promise<AdSetRecord | undefined> {
    const r = await this.#db.selectFrom("adsets").selectAll().where("id", "=", id).executeTakeFirst();
    return r && { id: r.id, campaignId: r.campaign_id, name: r.name };
  }
  async upsertAdSet(s: AdSetRecord): Promise<void> {
    const row = { id: s.id, campaign_id: s.campaignId, name: s.name };
    await this.#db
      .insertInto("adsets")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
  }
  async getAd(id: string): Promise<AdRecord | undefined> {
    const r = await this.#db.selectFrom("ads").selectAll().where("id", "=", id).executeTakeFirst();
    return r && adRecord(r);
  }
  async upsertAd(a: AdRecord): Promise<void> {
    const row = { id: a.id, adset_id: a.adsetId, name: a.name, form_id: a.formId, status: a.status, created_time: a.createdTime };
    await this.#db
      .insertInto("ads")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
  }
  async adsOfForm(formId: string): Promise<AdRecord[]> {
    return (await this.#db.selectFrom("ads").selectAll().where("form_id", "=", formId).orderBy("id").execute()).map(adRecord);
  }

  async attributions(adIds: readonly string[]): Promise<Map<string, AdAttribution>> {
    const out = new Map<string, AdAttribution>();
    if (adIds.length === 0) return out;
    const rows = await this.#db
      .selectFrom("ads")
      .innerJoin("adsets", "adsets.id", "ads.adset_id")
      .innerJoin("campaigns", "campaigns.id", "adsets.campaign_id")
      .select([
        "ads.id as adId",
        "ads.name as adName",
        "adsets.id as adsetId",
        "adsets.name as adsetName",
        "campaigns.id as campaignId",
        "campaigns.name as campaignName",
        "campaigns.account_id as accountId",
      ])
      .where("ads.id", "in", [...adIds])
      .execute();
    for (const r of rows) out.set(r.adId, r);
    return out;
  }

  async kindOf(id: string, opts: { notLead?: boolean } = {}): Promise<ObjectKind | undefined> {
    if (id.startsWith("act_")) return (await this.getAdAccount(id)) ? "ad_account" : undefined;
    const res = await (opts.notLead ? kindOfNotLead : kindOfAny).execute(this.#db, { id });
    return res.rows[0]?.kind;
  }

  #app(r: {
    id: string;
    name: string;
    secret_enc: string;
    mode: string;
    created_time: number;
    require_appsecret_proof: number;
  }): AppRecord {
    return {
      id: r.id,
      name: r.name,
      secret: this.#box.open(r.secret_enc),
      mode: r.mode as AppMode,
      createdTime: Number(r.created_time),
      requireAppsecretProof: r.require_appsecret_proof === 1,
    };
  }
}

const pageRecord = (r: { id: string; name: string; category: string; lead_access: string | null; created_time: number }): PageRecord => ({
  id: r.id,
  name: r.name,
  category: r.category,
  createdTime: Number(r.created_time),
  leadAccess: r.lead_access === null ? null : JSON.parse(r.lead_access),
});
const roleRecord = (r: { page_id: string; user_id: string; tasks: string }): PageRole => ({
  pageId: r.page_id,
  userId: r.user_id,
  tasks: JSON.parse(r.tasks),
});
const adRecord = (r: {
  id: string;
  adset_id: string;
  name: string;
  form_id: string | null;
  status: string;
  created_time: number;
}): AdRecord => ({
  id: r.id,
  adsetId: r.adset_id,
  name: r.name,
  formId: r.form_id,
  status: r.status,
  createdTime: Number(r.created_time),
});
