/**
 * Every time rule (retention, token expiry, rate-limit windows, webhook schedule, export clamping,
 * created_time of new leads) reads this one clock, so tests and the manual clock mode can move time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

export const nowSeconds = (clock: Clock): number => Math.floor(clock.nowMs() / 1000);

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to; the product's manual clock and the tests' frozen clock. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(startMs: number) {
    this.#ms = startMs;
  }
  nowMs(): number {
    return this.#ms;
  }
  set(ms: number): void {
    this.#ms = ms;
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}
