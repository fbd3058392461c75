import { createHmac } from "node:crypto";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";
import { rowToLead } from "./lead-row.ts";
import type { SyncLog } from "./sync-log.ts";
import type { SyncStore } from "./storage/sync-store.ts";

const MAX_ATTEMPTS = 20;

/** Signature header on forwarded leads: `sha256=` + hex HMAC-SHA256 of the body with the forward secret. */
export const FORWARD_SIGNATURE_HEADER = "x-leadgraph-signature-256";

/**
 * POSTs each newly stored lead as JSON to the user's URL, signed, at least once: a lead leaves the
 * outbox only after a 2xx. Backoff doubles from 2 s to one hour; after 20 failures it is parked.
 */
export class Forwarder {
  readonly #o: { store: SyncStore; log: SyncLog; url: string; secret: string; fetch: typeof fetch; wallClock: WallClock };
  #running = false;
  #loop: Promise<void> | undefined;
  /** Aborted at stop, so an idle wait ends at once. */
  readonly #idle = new AbortController();
  forwarded = 0;
  failures = 0;

  constructor(o: { store: SyncStore; log: SyncLog; url: string; secret: string; fetch?: typeof fetch; wallClock?: WallClock }) {
    this.#o = { ...o, fetch: o.fetch ?? globalThis.fetch.bind(globalThis), wallClock: o.wallClock ?? systemWallClock };
  }

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const due = await this.#o.store.dueForwards(this.#o.wallClock.nowMs(), 20).catch(() => []);
        for (const row of due) await this.#send(row);
        if (due.length === 0) await this.#o.wallClock.sleep(500, this.#idle.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#idle.abort();
    await this.#loop;
  }

  async #send(row: Parameters<typeof rowToLead>[0]): Promise<void> {
    const body = JSON.stringify({ object: "lead", lead: rowToLead(row) });
    const sig = createHmac("sha256", this.#o.secret).update(body).digest("hex");
    try {
      const res = await this.#o.fetch(this.#o.url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", [FORWARD_SIGNATURE_HEADER]: `sha256=${sig}` },
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        this.forwarded += 1;
        await this.#o.store.forwarded(row.id);
        return;
      }
      throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      this.failures += 1;
      const attempts = row.forward_attempts + 1;
      const giveUp = attempts >= MAX_ATTEMPTS;
      if (giveUp) this.#o.log.error({ leadId: row.id }, `forwarding lead ${row.id} gave up after ${attempts} attempts: ${String(e)}`);
      await this.#o.store.forwardFailed(row.id, attempts, this.#o.wallClock.nowMs() + Math.min(3_600_000, 2000 * 2 ** attempts), giveUp);
    }
  }
}
