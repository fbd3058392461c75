/**
 * Elapsed real time, for what must keep moving while the product's Graph-visible clock is frozen
 * or moved by hand: delivery leases and the dispatcher's pacing, rate-limit block lifetimes, sync's
 * retries and timers, instance heartbeats. Production uses `systemWallClock`; tests inject a
 * `ManualWallClock` and advance it instead of sleeping.
 */
export interface WallClock {
  /** Milliseconds since the epoch (structurally the domain's `Clock`). */
  nowMs(): number;
  /** Resolves after `ms` of this clock's time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fn` every `ms` until the returned function is called. `fn` handles its own errors; the
   * timer never keeps the process alive.
   */
  every(ms: number, fn: () => unknown): () => void;
}

export const systemWallClock: WallClock = {
  nowMs: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

interface Timer {
  atMs: number;
  /** Set for `every` timers. */
  periodMs?: number;
  fn: () => unknown;
}

/** A wall clock that moves only when a test advances it; timers fall due in time order. */
export class ManualWallClock implements WallClock {
  #ms: number;
  readonly #timers = new Set<Timer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#ms = startMs;
  }

  nowMs(): number {
    return this.#ms;
  }

  /** Timers waiting for time to move (sleepers and `every` callbacks). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { atMs: this.#ms + Math.max(0, ms), fn: () => done() };
      const done = () => {
        this.#timers.delete(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#timers.add(timer);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  every(ms: number, fn: () => unknown): () => void {
    const period = Math.max(1, ms);
    const timer: Timer = { atMs: this.#ms + period, periodMs: period, fn };
    this.#timers.add(timer);
    return () => {
      this.#timers.delete(timer);
    };
  }

  /**
   * Moves time forward by `ms`, running each timer that falls due at its own time, in order, and
   * waiting for what it returns (a heartbeat's write) before the next; a sleeper woken here has
   * had one turn of the event loop to continue when this resolves.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#ms + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers) if (t.atMs <= target && (next === undefined || t.atMs < next.atMs)) next = t;
      if (next === undefined) break;
      this.#ms = Math.max(this.#ms, next.atMs);
      if (next.periodMs === undefined) this.#timers.delete(next);
      else next.atMs += next.periodMs;
      await next.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.#ms = target;
  }
}
