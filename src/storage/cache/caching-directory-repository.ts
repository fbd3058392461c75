import type { Kysely } from "kysely";
import type {
  AdAccountRecord,
  AdAccountRole,
  AdAttribution,
  AdRecord,
  AdSetRecord,
  AppRecord,
  AppRole,
  CampaignRecord,
  PageRecord,
  PageRole,
  UserRecord,
} from "../../domain/model.ts";
import type { ObjectKind } from "../../domain/ports.ts";
import { KyselyDirectoryRepository } from "../repositories/directory-repository.ts";
import type { Database } from "../schema.ts";
import type { SecretBox } from "../secret-box.ts";
import type { GenerationCache } from "./generation-cache.ts";

/**
 * The directory with its per-request lookups (apps, roles, pages, ads and their attribution)
 * answered from a generation cache: every Graph read runs them, and they change rarely. Writes and
 * listings go straight to the database.
 */
export class CachingDirectoryRepository extends KyselyDirectoryRepository {
  readonly #cache: GenerationCache;

  constructor(db: Kysely<Database>, box: SecretBox, cache: GenerationCache) {
    super(db, box);
    this.#cache = cache;
  }

  override getApp(id: string): Promise<AppRecord | undefined> {
    return this.#cache.through("app", id, () => super.getApp(id));
  }
  override appRoles(appId: string): Promise<AppRole[]> {
    return this.#cache.through("appRoles", appId, () => super.appRoles(appId));
  }
  override getUser(id: string): Promise<UserRecord | undefined> {
    return this.#cache.through("user", id, () => super.getUser(id));
  }
  override getPage(id: string): Promise<PageRecord | undefined> {
    return this.#cache.through("page", id, () => super.getPage(id));
  }
  override pageRoles(pageId: string): Promise<PageRole[]> {
    return this.#cache.through("pageRoles", pageId, () => super.pageRoles(pageId));
  }
  override rolesOfUser(userId: string): Promise<PageRole[]> {
    return this.#cache.through("rolesOfUser", userId, () => super.rolesOfUser(userId));
  }
  override getAdAccount(id: string): Promise<AdAccountRecord | undefined> {
    return this.#cache.through("adAccount", id, () => super.getAdAccount(id));
  }
  override adAccountRoles(accountId: string): Promise<AdAccountRole[]> {
    return this.#cache.through("adAccountRoles", accountId, () => super.adAccountRoles(accountId));
  }
  override getCampaign(id: string): Promise<CampaignRecord | undefined> {
    return this.#cache.through("campaign", id, () => super.getCampaign(id));
  }
  override getAdSet(id: string): Promise<AdSetRecord | undefined> {
    return this.#cache.through("adset", id, () => super.getAdSet(id));
  }
  override getAd(id: string): Promise<AdRecord | undefined> {
    return this.#cache.through("ad", id, () => super.getAd(id));
  }

  /**
   * An object's kind never changes under its id, so a kind found is kept (until the generation
   * moves: a world reset may reuse ids). Not kept: "not found", since forms and leads are created
   * without moving the generation, and leads, too many to be worth a slot.
   */
  override async kindOf(id: string, opts: { notLead?: boolean } = {}): Promise<ObjectKind | undefined> {
    const { found, generation } = this.#cache.lookup<ObjectKind>("kind", [id]);
    const known = found.get(id);
    if (known !== undefined) return known;
    const kind = await super.kindOf(id, opts);
    if (kind !== undefined && kind !== "lead") this.#cache.keepAll("kind", generation, new Map([[id, kind]]), [id]);
    return kind;
  }

  override async attributions(adIds: readonly string[]): Promise<Map<string, AdAttribution>> {
    const { found, missing, generation } = this.#cache.lookup<AdAttribution | undefined>("attribution", adIds);
    const out = new Map<string, AdAttribution>();
    for (const [id, a] of found) if (a !== undefined) out.set(id, a);
    if (missing.length === 0) return out;
    const loaded = await super.attributions(missing);
    this.#cache.keepAll("attribution", generation, loaded, missing);
    for (const [id, a] of loaded) out.set(id, a);
    return out;
  }
}
