import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Agent } from "undici";
import type { Services } from "../domain/services.ts";
import { DELIVERY_SETTINGS_TTL_MS, webhookConfigChanges } from "../domain/webhooks/config-changes.ts";
import type { DeliveryRecord } from "../domain/webhooks/webhook-repository.ts";
import { DeliverySettingsCache } from "./delivery-settings-cache.ts";
import { fanOut } from "./fan-out.ts";
import { webhookAgent } from "./post-webhook.ts";
import { sendBatch } from "./send-batch.ts";
import { DEFAULT_MAX_BODY_BYTES, MAX_CHANGES_PER_POST } from "../domain/webhooks/payload.ts";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";

export interface DispatcherOptions {
  lingerMs: number;
  timeoutMs: number;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  retentionHours: number;
  autoDisableHours: number;
  /** Most changes in one POST (and in one claimed batch). */
  maxChangesPerPost?: number;
  /** Most bytes in one POST body. */
  maxBodyBytes?: number;
  /** Uniform [0, 1); injected so tests can fix jitter and fault injection. */
  random?: () => number;
  /** Called with errors the loop survives (database briefly down…). */
  onError?: (e: unknown) => void;
  /** Leases, pacing and retries run on it (the system's wall clock unless a test injects one). */
  wallClock?: WallClock;
  /** False while this instance has stepped down: it claims nothing (batches in flight finish). */
  mayClaim?: () => boolean;
}

export interface WakeSource {
  close(): Promise<void>;
}

const FAN_OUT_CHUNK = 500;
const PRUNE_EVERY_MS = 60_000;
/**
 * How often pending deliveries are checked for a receiver that went away without this process's
 * repositories seeing it (another instance's change, an app deleted with its subscription).
 */
export const SETTLE_EVERY_MS = DELIVERY_SETTINGS_TTL_MS;

/**
 * Delivers the webhook outbox: fans lead events out into deliveries, claims due batches (one app
 * and page, up to 1,000 changes) under a lease, sends them and records the outcome. Woken at once
 * by new leads (in-process signal, and NOTIFY on PostgreSQL); otherwise looks again at the next
 * due retry or after `pollMs`, whichever is sooner.
 */
export class WebhookDispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  readonly #services: Services;
  readonly #opts: DispatcherOptions;
  readonly #random: () => number;
  readonly #wall: WallClock;
  readonly #agent: Agent;
  readonly #cache: DeliverySettingsCache;
  #settledVersion = -1;
  #lastSettleWallMs = 0;
  #running = false;
  #stopped = false;
  #wakeup: AbortController | undefined;
  #woken = false;
  #wokenAt = 0;
  #loop: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastPruneWallMs = 0;
  #claimChain: Promise<void> = Promise.resolve();
  /** Batches being sent (POST and outcome); the background loop does not wait for them. */
  readonly #inFlight = new Set<Promise<void>>();
  readonly #wakeSources: WakeSource[] = [];

  constructor(services: Services, opts: DispatcherOptions) {
    this.#services = services;
    this.#opts = opts;
    this.#random = opts.random ?? Math.random;
    this.#wall = opts.wallClock ?? systemWallClock;
    this.#cache = new DeliverySettingsCache({ nowMs: () => this.#wall.nowMs() });
    this.#agent = webhookAgent(services.outbound);
  }

  /** Starts the background loop. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#services.outbox.subscribe(() => this.wake());
    this.#loop = this.#run();
  }

  addWakeSource(source: WakeSource): void {
    this.#wakeSources.push(source);
  }

  /** Makes the loop look at the outbox now (after the linger). */
  wake(): void {
    if (!this.#woken) this.#wokenAt = this.#wall.nowMs();
    this.#woken = true;
    this.#wakeup?.abort();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#wakeup?.abort();
    await this.#loop;
    await Promise.all(this.#inFlight);
    for (const s of this.#wakeSources) await s.close().catch(() => undefined);
    await this.#agent.close().catch(() => undefined);
  }

  /**
   * One full pass: fan out everything in the outbox, then send every due batch and wait for the
   * outcomes. Returns the number of batches sent. Tests under a manual clock call it after moving time.
   */
  async runOnce(): Promise<number> {
    await this.#maybeSettle();
    let sent = 0;
    for (;;) {
      await this.#fanOutAll();
      const pass = await this.#sendDue();
      await Promise.all(this.#inFlight);
      sent += pass.batches;
      // A batch that failed is retried once at once: its deliveries are due again, so look again.
      // Otherwise a pass that claimed until nothing was left has nothing more to find.
      if (pass.batches === 0 || !pass.failed.value) break;
    }
    await this.#maybePrune();
    return sent;
  }

  /**
   * The background loop's pass: like runOnce, but it does not wait for the POSTs it started, so
   * leads that arrive meanwhile are fanned out and sent beside them (up to `concurrency` batches
   * in flight) instead of queueing behind a slow receiver. A failed batch wakes the loop, since
   * its immediate retry is due.
   */
  async #pass(): Promise<void> {
    await this.#maybeSettle();
    await this.#fanOutAll();
    await this.#sendDue();
    await this.#maybePrune();
  }

  async #fanOutAll(): Promise<void> {
    while ((await fanOut(this.#services, FAN_OUT_CHUNK, this.#random, this.#cache)) === FAN_OUT_CHUNK) {
      // a full chunk means more may be waiting
    }
  }

  async #sendDue(): Promise<{ batches: number; failed: { value: boolean } }> {
    let batches = 0;
    const failed = { value: false };
    for (;;) {
      if (this.#stopped && this.#running) break;
      while (this.#inFlight.size >= this.#opts.concurrency) await Promise.race(this.#inFlight);
      if (this.#opts.mayClaim?.() === false) break;
      const batch = await this.#claim();
      if (batch.length === 0) break;
      const stopRenewing = this.#keepLeased(batch);
      const p: Promise<void> = sendBatch(
        {
          services: this.#services,
          agent: this.#agent,
          cache: this.#cache,
          owner: this.owner,
          timeoutMs: this.#opts.timeoutMs,
          autoDisableHours: this.#opts.autoDisableHours,
          random: this.#random,
          maxChangesPerPost: this.#opts.maxChangesPerPost ?? MAX_CHANGES_PER_POST,
          maxBodyBytes: this.#opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        },
        batch,
      )
        .then(
          (f) => {
            if (!f) return;
            failed.value = true;
            this.wake();
          },
          (e) => {
            failed.value = true;
            this.#opts.onError?.(e);
          },
        )
        .finally(() => {
          stopRenewing();
          this.#inFlight.delete(p);
        });
      this.#inFlight.add(p);
      batches++;
    }
    return { batches, failed };
  }

  /**
   * Settles deliveries nobody receives any more: at once after this process changed a
   * subscription, install or setting, and every SETTLE_EVERY_MS for changes made elsewhere.
   */
  async #maybeSettle(): Promise<void> {
    const version = webhookConfigChanges.version;
    const wall = this.#wall.nowMs();
    if (version === this.#settledVersion && wall - this.#lastSettleWallMs < SETTLE_EVERY_MS) return;
    this.#settledVersion = version;
    this.#lastSettleWallMs = wall;
    const cancelled = await this.#services.store.webhooks.cancelUnreceivable(this.#services.clock.nowMs(), wall);
    this.#services.metrics.webhookDeliveriesCancelled(cancelled);
  }

  /**
   * Claims are serialised inside one instance so its workers never split one app and page's due
   * changes between them; between instances the row locks (SKIP LOCKED on PostgreSQL, held for
   * the claiming statement) and leases keep every batch with one sender.
   */
  #claim(): Promise<DeliveryRecord[]> {
    const run = this.#claimChain.then(() =>
      this.#services.store.webhooks.claimDue({
        nowMs: this.#services.clock.nowMs(),
        wallMs: this.#wall.nowMs(),
        owner: this.owner,
        leaseUntil: this.#wall.nowMs() + this.#opts.leaseMs,
        max: MAX_CHANGES_PER_POST,
      }),
    );
    this.#claimChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #maybePrune(): Promise<void> {
    const wall = this.#wall.nowMs();
    if (wall - this.#lastPruneWallMs < PRUNE_EVERY_MS) return;
    this.#lastPruneWallMs = wall;
    await this.#services.store.webhooks.prune(this.#services.clock.nowMs() - this.#opts.retentionHours * 3_600_000);
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        this.#woken = false;
        await this.#pass();
        if (this.#stopped) break;
        if (!this.#woken && this.#inFlight.size > 0) {
          // The batches in flight hold leases on what is due now: look again once one is done.
          await Promise.race([this.#sleep(this.#opts.pollMs), Promise.race(this.#inFlight)]);
        } else if (!this.#woken && this.#opts.mayClaim?.() === false) {
          // Stepped down: what is due waits for this instance's return (or for another instance).
          await this.#sleep(this.#opts.pollMs);
        } else if (!this.#woken) {
          const next = await this.#services.store.webhooks.nextDueMs();
          const untilDue = next === undefined ? this.#opts.pollMs : next - this.#services.clock.nowMs();
          await this.#sleep(Math.max(0, Math.min(this.#opts.pollMs, untilDue)));
        }
        // Gather leads arriving close together into one POST: at most `lingerMs` after the first
        // of them woke us (time spent sending the previous batch counts).
        const linger = this.#opts.lingerMs - (this.#wall.nowMs() - this.#wokenAt);
        if (this.#woken && linger > 0 && !this.#stopped) await this.#wall.sleep(linger);
      } catch (e) {
        this.#opts.onError?.(e);
        await this.#sleep(this.#opts.pollMs);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopped) return Promise.resolve();
    const wakeup = new AbortController();
    this.#wakeup = wakeup;
    return this.#wall.sleep(ms, wakeup.signal).finally(() => {
      if (this.#wakeup === wakeup) this.#wakeup = undefined;
    });
  }

  /**
   * Renews the batch's lease while its POST is in flight, so a receiver slower than the lease (or
   * a machine too busy to finish in time) never lets another instance claim and send it again:
   * only a dead or stalled instance loses its leases. Renewed every third of the lease, so two
   * renewals can be missed before it runs out.
   */
  #keepLeased(batch: readonly DeliveryRecord[]): () => void {
    const ids = batch.map((d) => d.id);
    let done = false;
    const stop = this.#wall.every(Math.max(1, Math.floor(this.#opts.leaseMs / 3)), async () => {
      try {
        const lost = await this.#services.store.webhooks.renewLease(this.owner, ids, this.#wall.nowMs() + this.#opts.leaseMs);
        if (lost > 0 && !done) {
          // Reported once: renewing the rest changes nothing for the ones already taken.
          done = true;
          stop();
          this.#opts.onError?.(
            new Error(
              `${lost} of ${ids.length} deliveries in flight were claimed by another instance after their lease ran out; the receiver may see them twice`,
            ),
          );
        }
      } catch (e) {
        if (!done) this.#opts.onError?.(e);
      }
    });
    return () => {
      done = true;
      stop();
    };
  }
}
