import type { AppRecord, AppRole } from "../domain/model.ts";
import type { PageInstallRecord, Store, WebhookSubscriptionRecord } from "../domain/ports.ts";
import { DELIVERY_SETTINGS_TTL_MS, type WebhookConfigChanges, webhookConfigChanges } from "../domain/webhooks/config-changes.ts";
import type { AppWebhookSettings } from "../domain/webhooks/webhook-repository.ts";

/** Everything about one app that fan-out and sending need. */
export interface AppDeliverySettings {
  app: AppRecord | undefined;
  /** The app's `page` subscription, active or not. */
  subscription: WebhookSubscriptionRecord | undefined;
  /** Read only for development-mode apps (the only ones whose roles matter). */
  roles: AppRole[];
  settings: AppWebhookSettings;
}

interface Entry<T> {
  value: T;
  version: number;
  readAt: number;
}

/**
 * The per-app and per-page settings the dispatcher would otherwise re-read for every batch (about
 * half of its statements). An entry is dropped when this process changes any app, subscription,
 * install or fault setting (WebhookConfigChanges, bumped by the repositories after the write), and
 * after DELIVERY_SETTINGS_TTL_MS, which bounds how late a change made by another instance is seen.
 */
export class DeliverySettingsCache {
  readonly #apps = new Map<string, Entry<AppDeliverySettings>>();
  readonly #installs = new Map<string, Entry<PageInstallRecord[]>>();
  readonly #healthyAt = new Map<string, number>();
  readonly #changes: WebhookConfigChanges;
  readonly #ttlMs: number;
  readonly #nowMs: () => number;

  /** `nowMs` measures the entries' age: elapsed real time (the dispatcher's wall clock). */
  constructor(opts: { ttlMs?: number; changes?: WebhookConfigChanges; nowMs?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? DELIVERY_SETTINGS_TTL_MS;
    this.#changes = opts.changes ?? webhookConfigChanges;
    this.#nowMs = opts.nowMs ?? (() => performance.now());
  }

  app(store: Store, appId: string): Promise<AppDeliverySettings> {
    return this.#get(this.#apps, appId, async () => {
      const app = await store.directory.getApp(appId);
      const subscription = (await store.subscriptions.listForApp(appId)).find((s) => s.object === "page");
      const roles = app?.mode === "development" ? await store.directory.appRoles(appId) : [];
      return { app, subscription, roles, settings: await store.webhooks.settings(appId) };
    });
  }

  installs(store: Store, pageId: string): Promise<PageInstallRecord[]> {
    return this.#get(this.#installs, pageId, () => store.subscriptions.installsOfPage(pageId));
  }

  /**
   * Whether this process cleared the app's failing mark less than a TTL ago: clearing it again
   * after every successful batch would be a statement that changes nothing. (Another instance may
   * mark it failing meanwhile; it is cleared again within a TTL of the next success.)
   */
  clearedRecently(appId: string): boolean {
    const at = this.#healthyAt.get(appId);
    return at !== undefined && this.#nowMs() - at < this.#ttlMs;
  }

  noteHealthy(appId: string, healthy: boolean): void {
    if (healthy) this.#healthyAt.set(appId, this.#nowMs());
    else this.#healthyAt.delete(appId);
  }

  async #get<T>(map: Map<string, Entry<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const now = this.#nowMs();
    const version = this.#changes.version;
    const hit = map.get(key);
    if (hit && hit.version === version && now - hit.readAt < this.#ttlMs) return hit.value;
    // Only settled values are shared: a read in flight belongs to its caller's transaction (on
    // SQLite, awaiting another caller's read from inside a transaction could wait for ever).
    const value = await read();
    // Tagged with the count seen before reading: a change made during the read drops it.
    map.set(key, { value, version, readAt: now });
    return value;
  }
}
