import { type Clock, nowSeconds } from "../clock.ts";

/**
 * Counters of attempts per key in fixed windows, shared by every instance on one database
 * (storage/repositories/attempt-counter-repository.ts).
 */
export interface AttemptCounterStore {
  /** The attempts counted for `key` in the window starting at `windowStart` (unix seconds). */
  count(key: string, windowStart: number): Promise<number>;
  /** Counts one more attempt and answers the window's new total. */
  add(key: string, windowStart: number): Promise<number>;
}

export interface ThrottleRule {
  limit: number;
  windowSeconds: number;
}

/** What is throttled: failed credentials per client address, and hosted form submissions per address and per form. */
export interface ThrottleRules {
  authFailures: ThrottleRule;
  formSubmitsPerAddress: ThrottleRule;
  formSubmitsPerForm: ThrottleRule;
}

/**
 * Throttles guessing and flooding. Failed admin keys and `client_secret`s are counted per client
 * address: once an address has failed `limit` times in a window, every attempt from it (right or
 * wrong) is refused until the window ends, so a guesser gains nothing by trying faster. Hosted form
 * submissions are counted as they come, per address and per form. Answers the seconds until the
 * window ends when refused (Retry-After), undefined when allowed.
 */
export class AttemptThrottle {
  readonly #store: AttemptCounterStore;
  readonly #clock: Clock;
  readonly #rules: ThrottleRules;

  constructor(store: AttemptCounterStore, clock: Clock, rules: ThrottleRules) {
    this.#store = store;
    this.#clock = clock;
    this.#rules = rules;
  }

  /** Seconds to wait when `address` spent its failures of `kind` in this window. */
  async failuresExhausted(kind: "admin_key" | "client_secret", address: string): Promise<number | undefined> {
    const w = this.#window(this.#rules.authFailures);
    const n = await this.#store.count(`${kind}:${address}`, w.start);
    return n >= this.#rules.authFailures.limit ? w.retryAfter : undefined;
  }

  /** Counts one failed attempt. */
  async failed(kind: "admin_key" | "client_secret", address: string): Promise<void> {
    await this.#store.add(`${kind}:${address}`, this.#window(this.#rules.authFailures).start);
  }

  /** Counts a hosted form submission; seconds to wait when it is over either limit. */
  async formSubmission(formId: string, address: string): Promise<number | undefined> {
    const a = this.#window(this.#rules.formSubmitsPerAddress);
    const f = this.#window(this.#rules.formSubmitsPerForm);
    const byAddress = await this.#store.add(`form_address:${address}`, a.start);
    if (byAddress > this.#rules.formSubmitsPerAddress.limit) return a.retryAfter;
    const byForm = await this.#store.add(`form:${formId}`, f.start);
    return byForm > this.#rules.formSubmitsPerForm.limit ? f.retryAfter : undefined;
  }

  #window(rule: ThrottleRule): { start: number; retryAfter: number } {
    const now = nowSeconds(this.#clock);
    const start = now - (now % rule.windowSeconds);
    return { start, retryAfter: Math.max(1, start + rule.windowSeconds - now) };
  }
}
