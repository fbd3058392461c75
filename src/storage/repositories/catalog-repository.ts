import type { Kysely } from "kysely";
import type { AdAccountRecord, AdRecord, AdSetRecord, CampaignRecord, TokenRecord, TokenType } from "../../domain/model.ts";
import type { CatalogRepository } from "../../domain/ports.ts";
import type { Database } from "../schema.ts";

export class KyselyCatalogRepository implements CatalogRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  listAdAccounts(): Promise<AdAccountRecord[]> {
    return this.#db.selectFrom("ad_accounts").selectAll().orderBy("id").execute();
  }
  async listCampaigns(f: { accountId?: string }): Promise<CampaignRecord[]> {
    let q = this.#db.selectFrom("campaigns").selectAll();
    if (f.accountId !== undefined) q = q.where("account_id", "=", f.accountId);
    return (await q.orderBy("id").execute()).map((r) => ({ id: r.id, accountId: r.account_id, name: r.name }));
  }
  async listAdSets(f: { campaignId?: string }): Promise<AdSetRecord[]> {
    let q = this.#db.selectFrom("adsets").selectAll();
    if (f.campaignId !== undefined) q = q.where("campaign_id", "=", f.campaignId);
    return (await q.orderBy("id").execute()).map((r) => ({ id: r.id, campaignId: r.campaign_id, name: r.name }));
  }
  async listAds(f: { adsetId?: string; formId?: string }): Promise<AdRecord[]> {
    let q = this.#db.selectFrom("ads").selectAll();
    if (f.adsetId !== undefined) q = q.where("adset_id", "=", f.adsetId);
    if (f.formId !== undefined) q = q.where("form_id", "=", f.formId);
    return (await q.orderBy("id").execute()).map((r) => ({
      id: r.id,
      adsetId: r.adset_id,
      name: r.name,
      formId: r.form_id,
      status: r.status,
      createdTime: Number(r.created_time),
    }));
  }
  async deleteUser(id: string): Promise<void> {
    await this.#db.deleteFrom("users").where("id", "=", id).execute();
  }
  async deletePage(id: string): Promise<void> {
    await this.#db.deleteFrom("pages").where("id", "=", id).execute();
  }
  async deleteAdAccount(id: string): Promise<void> {
    await this.#db.deleteFrom("ad_accounts").where("id", "=", id).execute();
  }
  async deleteCampaign(id: string): Promise<void> {
    await this.#db.deleteFrom("campaigns").where("id", "=", id).execute();
  }
  async deleteAdSet(id: string): Promise<void> {
    await this.#db.deleteFrom("adsets").where("id", "=", id).execute();
  }
  async removeAdAccountRole(accountId: string, userId: string): Promise<void> {
    await this.#db.deleteFrom("ad_account_roles").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
  }
  async removeLocation(pageId: string, storeNumber: string): Promise<void> {
    await this.#db.deleteFrom("page_locations").where("page_id", "=", pageId).where("store_number", "=", storeNumber).execute();
  }
  async countChildren(
    table: "forms" | "campaigns" | "adsets" | "ads",
    column: "page_id" | "account_id" | "campaign_id" | "adset_id",
    id: string,
  ): Promise<number> {
    // The pairs are fixed by the caller's type; the cast only narrows what Kysely cannot infer across tables.
    const r = await (this.#db as Kysely<any>)
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .where(column, "=", id)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
  async getToken(id: string): Promise<TokenRecord | undefined> {
    const r = await this.#db.selectFrom("tokens").selectAll().where("id", "=", id).executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      type: r.type as TokenType,
      appId: r.app_id,
      userId: r.user_id,
      pageId: r.page_id,
      scopes: JSON.parse(r.scopes),
      issuedAt: Number(r.issued_at),
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      dataAccessExpiresAt: r.data_access_expires_at === null ? null : Number(r.data_access_expires_at),
      longLived: r.long_lived === 1,
      invalidatedSubcode: r.invalidated_subcode,
      invalidatedReason: r.invalidated_reason,
      label: r.label,
      displayPrefix: r.display_prefix,
    };
  }
}
