import type { KeysetPosition } from "./cursor.ts";
import type { ErasureRepository } from "./erasure/erasure-repository.ts";
import type { LeadExportRepository } from "./export/export-source.ts";
import type { WebhookRepository } from "./webhooks/webhook-repository.ts";
import type {
  AdAccountRecord,
  AdAccountRole,
  AdAttribution,
  AdRecord,
  AdSetRecord,
  AppRecord,
  AppRole,
  CampaignRecord,
  FormRecord,
  LeadEvent,
  LeadRecord,
  PageLocation,
  PageRecord,
  PageRole,
  TokenRecord,
  UserRecord,
} from "./model.ts";

/**
 * The storage ports the domain declares. src/storage implements them with Kysely for SQLite and
 * PostgreSQL; nothing here knows which.
 */

export interface LeadListQuery {
  formId?: string;
  adId?: string;
  pageId?: string;
  /** Inclusive lower bound on created_time. */
  fromTime?: number;
  /** Exclusive upper bound on created_time. */
  beforeTime?: number;
  /** Rows strictly older than this position (the `after` cursor). */
  olderThan?: KeysetPosition;
  /** Rows strictly newer than this position (the `before` cursor); returned newest first all the same. */
  newerThan?: KeysetPosition;
  limit: number;
}

export interface LeadRepository {
  get(id: string): Promise<LeadRecord | undefined>;
  getMany(ids: readonly string[]): Promise<LeadRecord[]>;
  /** Newest first: (created_time desc, id desc). */
  list(q: LeadListQuery): Promise<LeadRecord[]>;
  count(q: Omit<LeadListQuery, "limit" | "olderThan" | "newerThan">): Promise<number>;
  /**
   * Inserts leads, bumps their forms' counters and, when `events` is given, writes the outbox rows:
   * outside a transaction as one durable unit (all written and on disk, or nothing), inside one as
   * part of it. With `activeFormsOnly`, a form that is not ACTIVE at this moment (checked with its row
   * locked, whatever a cached definition said) stops it: its id is answered and nothing is written
   * (inside a transaction, the caller rolls it back).
   */
  insert(
    leads: readonly LeadRecord[],
    events?: readonly LeadEvent[],
    opts?: { activeFormsOnly?: boolean },
  ): Promise<{ inactiveForms: string[] }>;
  findByExternalIds(formId: string, externalIds: readonly string[]): Promise<Map<string, string>>;
  testLeadsOf(formId: string): Promise<LeadRecord[]>;
  delete(id: string): Promise<boolean>;
}

/** A form without its lead counters: what taking a lead needs, and what a process may cache. */
export type FormDefinition = Omit<FormRecord, "leadsCount" | "organicLeadsCount">;

export interface FormRepository {
  get(id: string): Promise<FormRecord | undefined>;
  /**
   * The form's definition, from a per-process cache when it can be: this process's form writes
   * invalidate it at once (and again when their transaction ends), other processes' are seen within
   * seconds. The value is frozen and shared. Lead intake relies on LeadRepository.insert to re-check
   * the status in its transaction, so a stale ACTIVE never lets a lead into an archived form.
   */
  definition(id: string): Promise<FormDefinition | undefined>;
  listByPage(pageId: string, q: { olderThan?: KeysetPosition; newerThan?: KeysetPosition; limit: number }): Promise<FormRecord[]>;
  countByPage(pageId: string): Promise<number>;
  upsert(form: FormRecord): Promise<void>;
  setStatus(id: string, status: FormRecord["status"]): Promise<void>;
}

export interface DirectoryRepository {
  getApp(id: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  upsertApp(app: AppRecord): Promise<void>;
  deleteApp(id: string): Promise<void>;
  appRoles(appId: string): Promise<AppRole[]>;
  setAppRoles(appId: string, roles: readonly AppRole[]): Promise<void>;

  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  upsertUser(user: UserRecord): Promise<void>;

  getPage(id: string): Promise<PageRecord | undefined>;
  listPages(): Promise<PageRecord[]>;
  upsertPage(page: PageRecord): Promise<void>;
  pageRoles(pageId: string): Promise<PageRole[]>;
  rolesOfUser(userId: string): Promise<PageRole[]>;
  setPageRole(role: PageRole): Promise<void>;
  removePageRole(pageId: string, userId: string): Promise<void>;
  locations(pageId: string): Promise<PageLocation[]>;
  upsertLocation(loc: PageLocation): Promise<void>;

  getAdAccount(id: string): Promise<AdAccountRecord | undefined>;
  upsertAdAccount(acc: AdAccountRecord): Promise<void>;
  adAccountRoles(accountId: string): Promise<AdAccountRole[]>;
  setAdAccountRole(role: AdAccountRole): Promise<void>;
  getCampaign(id: string): Promise<CampaignRecord | undefined>;
  upsertCampaign(c: CampaignRecord): Promise<void>;
  getAdSet(id: string): Promise<AdSetRecord | undefined>;
  upsertAdSet(s: AdSetRecord): Promise<void>;
  getAd(id: string): Promise<AdRecord | undefined>;
  upsertAd(ad: AdRecord): Promise<void>;
  adsOfForm(formId: string): Promise<AdRecord[]>;
  /** Ad, ad set, campaign and account names for a set of ads, in one round trip. */
  attributions(adIds: readonly string[]): Promise<Map<string, AdAttribution>>;

  /** Which kind of object an id names, or undefined. */
  /** Which table holds the id; `notLead` when the caller already looked for a lead. */
  kindOf(id: string, opts?: { notLead?: boolean }): Promise<ObjectKind | undefined>;
}

export type ObjectKind = "lead" | "form" | "page" | "ad" | "adset" | "campaign" | "ad_account" | "app" | "user";

export interface TokenRepository {
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  insert(token: TokenRecord, hash: string): Promise<void>;
  list(filter: { appId?: string; userId?: string; pageId?: string }): Promise<TokenRecord[]>;
  invalidate(filter: { id?: string; appId?: string; userId?: string; pageId?: string }, subcode: number, reason: string): Promise<number>;
  delete(id: string): Promise<boolean>;
}

export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  /** Sets the value only if absent and returns whichever value won: safe when instances race. */
  getOrInit(key: string, init: () => string): Promise<string>;
  /** getOrInit for a server secret: stored sealed (AES-GCM under the secret key), answered plain. */
  getOrInitSecret(key: string, init: () => string): Promise<string>;
  set(key: string, value: string): Promise<void>;
  /** Adds to an integer setting in one atomic step and answers the new value (undefined when absent). */
  addToInteger(key: string, delta: number): Promise<number | undefined>;
}

export interface WebhookSubscriptionRecord {
  appId: string;
  object: string;
  callbackUrl: string;
  fields: string[];
  verifyToken: string;
  includeValues: boolean;
  active: boolean;
  createdTime: number;
  /** The Graph version each field was subscribed with; absent for subscriptions made before it was kept (and in world files). */
  fieldVersions?: Record<string, string>;
}

export interface PageInstallRecord {
  pageId: string;
  appId: string;
  subscribedFields: string[];
  createdTime: number;
}

export interface SubscriptionRepository {
  listForApp(appId: string): Promise<WebhookSubscriptionRecord[]>;
  upsert(sub: WebhookSubscriptionRecord): Promise<void>;
  remove(appId: string, object?: string): Promise<void>;
  installsOfPage(pageId: string): Promise<PageInstallRecord[]>;
  upsertInstall(inst: PageInstallRecord): Promise<void>;
  removeInstall(pageId: string, appId: string): Promise<void>;
}

/** Everything storage offers, scoped to one connection or one transaction. */
export interface Store {
  leads: LeadRepository;
  /** The date-range export's narrow, chunked reads. */
  leadExport: LeadExportRepository;
  forms: FormRepository;
  directory: DirectoryRepository;
  tokens: TokenRepository;
  settings: SettingsRepository;
  subscriptions: SubscriptionRepository;
  catalog: CatalogRepository;
  webhooks: WebhookRepository;
  /** Erasing leads for good, and the audit log of erasures. */
  erasure: ErasureRepository;
  /** Runs fn in one database transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Like transaction, but once it returns the commit survives an OS crash or power loss, not only a
   * process crash: for writes acknowledged to a person (every lead). Everything else may commit
   * without waiting for the disk. Nested in a transaction it joins it, and the outer one decides.
   */
  durableTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
}

/** What the administration API needs beyond DirectoryRepository: full listings and removals. */
export interface CatalogRepository {
  listAdAccounts(): Promise<AdAccountRecord[]>;
  listCampaigns(filter: { accountId?: string }): Promise<CampaignRecord[]>;
  listAdSets(filter: { campaignId?: string }): Promise<AdSetRecord[]>;
  listAds(filter: { adsetId?: string; formId?: string }): Promise<AdRecord[]>;
  deleteUser(id: string): Promise<void>;
  deletePage(id: string): Promise<void>;
  deleteAdAccount(id: string): Promise<void>;
  deleteCampaign(id: string): Promise<void>;
  deleteAdSet(id: string): Promise<void>;
  removeAdAccountRole(accountId: string, userId: string): Promise<void>;
  removeLocation(pageId: string, storeNumber: string): Promise<void>;
  /** How many rows of `table` point at the id (to refuse deleting a parent that still has children). */
  countChildren(
    table: "forms" | "campaigns" | "adsets" | "ads",
    column: "page_id" | "account_id" | "campaign_id" | "adset_id",
    id: string,
  ): Promise<number>;
  getToken(id: string): Promise<TokenRecord | undefined>;
}
