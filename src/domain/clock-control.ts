import { type Clock, ManualClock } from "./clock.ts";
import type { SettingsRepository } from "./ports.ts";

/** The settings key holding the shared manual clock's time (milliseconds since the epoch, as text). */
export const MANUAL_CLOCK_KEY = "manual_clock_ms";

/** How the product's clock is moved (admin API, CLI); `system` clocks refuse every change. */
export interface ClockControl {
  readonly mode: "system" | "manual";
  readonly clock: Clock;
  set(ms: number): Promise<void>;
  advance(ms: number): Promise<void>;
  /** Re-reads the shared state now (the poll does it on its own). */
  refresh(): Promise<void>;
  close(): void;
}

export const systemClockControl = (clock: Clock): ClockControl => ({
  mode: "system",
  clock,
  async set() {
    throw new Error("the clock is the system clock");
  },
  async advance() {
    throw new Error("the clock is the system clock");
  },
  async refresh() {},
  close() {},
});

/** A manual clock owned by this process only (tests inject one; nothing is shared). */
export const localClockControl = (clock: ManualClock): ClockControl => ({
  mode: "manual",
  clock,
  async set(ms) {
    clock.set(ms);
  },
  async advance(ms) {
    clock.advance(ms);
  },
  async refresh() {},
  close() {},
});

/**
 * A manual clock shared by every instance on one database: its time lives in the settings table;
 * each instance keeps a local copy (so `nowMs()` stays synchronous), updated at once by changes it
 * makes and within `pollMs` for changes made by other instances.
 */
export class SharedManualClock implements ClockControl {
  readonly mode = "manual" as const;
  readonly clock: ManualClock;
  readonly #settings: SettingsRepository;
  readonly #timer: ReturnType<typeof setInterval>;

  private constructor(settings: SettingsRepository, startMs: number, pollMs: number) {
    this.#settings = settings;
    this.clock = new ManualClock(startMs);
    this.#timer = setInterval(() => void this.refresh().catch(() => undefined), pollMs);
    this.#timer.unref();
  }

  /**
   * `startMs` given (`--clock manual:<unix>`) sets the shared time; without it the instance joins
   * the time already shared, or starts it at `fallbackMs` when there is none.
   */
  static async open(
    settings: SettingsRepository,
    opts: { startMs?: number; fallbackMs: number; pollMs?: number },
  ): Promise<SharedManualClock> {
    let ms: number;
    if (opts.startMs !== undefined) {
      await settings.set(MANUAL_CLOCK_KEY, String(opts.startMs));
      ms = opts.startMs;
    } else {
      ms = Number(await settings.getOrInit(MANUAL_CLOCK_KEY, () => String(opts.fallbackMs)));
    }
    return new SharedManualClock(settings, ms, opts.pollMs ?? 250);
  }

  async set(ms: number): Promise<void> {
    await this.#settings.set(MANUAL_CLOCK_KEY, String(ms));
    this.clock.set(ms);
  }

  async advance(ms: number): Promise<void> {
    // One atomic step on the shared value: it builds on another instance's set, and two instances
    // advancing at once both count.
    const now = await this.#settings.addToInteger(MANUAL_CLOCK_KEY, Math.round(ms));
    if (now === undefined) await this.set(this.clock.nowMs() + ms);
    else this.clock.set(now);
  }

  async refresh(): Promise<void> {
    const v = await this.#settings.get(MANUAL_CLOCK_KEY);
    const ms = v === undefined ? Number.NaN : Number(v);
    if (Number.isFinite(ms)) this.clock.set(ms);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
