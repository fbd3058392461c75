/**
 * Counts this process's changes to what decides where and how leads are delivered (apps: their
 * secret, mode and roles; app subscriptions, page installs, fault and auto-disable settings). The repositories bump it after a
 * write has been made; the dispatcher's settings cache drops every entry read under an older
 * count, so such a change takes effect at the next delivery. Changes made by other processes are
 * seen when the cache's entries age out (DELIVERY_SETTINGS_TTL_MS).
 *
 * One counter per process, not per store: a test running two runtimes in one process only
 * invalidates a little more often than needed.
 */
export class WebhookConfigChanges {
  #version = 0;

  get version(): number {
    return this.#version;
  }

  bump(): void {
    this.#version++;
  }
}

export const webhookConfigChanges = new WebhookConfigChanges();

/** How long the dispatcher trusts delivery settings it read (bounds how late other instances' changes apply). */
export const DELIVERY_SETTINGS_TTL_MS = 1_000;
