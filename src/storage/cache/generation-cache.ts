import type { GenerationSource } from "./generation-source.ts";

/**
 * Values read from cached tables, valid for one generation. Every read first asks the source for
 * the current generation (a committed change anywhere moves it) and drops everything when it
 * moved, so a change made by any writer is seen by the next read. A value is only kept when the
 * generation did not move while it was being loaded. Kept values are frozen: a caller mutating a
 * shared record would corrupt every later read.
 */
export class GenerationCache {
  readonly #source: GenerationSource;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, unknown>();
  #stamp: number | undefined;

  constructor(source: GenerationSource, maxEntries = 20_000) {
    this.#source = source;
    this.#maxEntries = maxEntries;
  }

  through<T>(space: string, key: string, load: () => Promise<T>): Promise<T> {
    const g = this.#current();
    if (g === undefined) return load();
    const k = `${space}\u0000${key}`;
    // A hit costs one settled promise: every Graph request asks several of these.
    const hit = this.#entries.get(k);
    if (hit !== undefined || this.#entries.has(k)) return Promise.resolve(hit as T);
    return load().then((value) => {
      this.#keep(g, k, value);
      return value;
    });
  }

  /** Cached values for `keys`, and the keys that still need loading. */
  lookup<T>(space: string, keys: readonly string[]): { found: Map<string, T>; missing: string[]; generation: number | undefined } {
    const g = this.#current();
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of keys) {
      const k = `${space}\u0000${key}`;
      if (g !== undefined && this.#entries.has(k)) found.set(key, this.#entries.get(k) as T);
      else missing.push(key);
    }
    return { found, missing, generation: g };
  }

  /** Keeps values loaded after `lookup` answered `generation`. */
  keepAll<T>(space: string, generation: number | undefined, values: ReadonlyMap<string, T | undefined>, keys: readonly string[]): void {
    if (generation === undefined) return;
    for (const key of keys) this.#keep(generation, `${space}\u0000${key}`, values.get(key));
  }

  #current(): number | undefined {
    const g = this.#source.current();
    if (g !== undefined && g !== this.#stamp) {
      this.#entries.clear();
      this.#stamp = g;
    }
    return g;
  }

  #keep(generation: number, k: string, value: unknown): void {
    if (this.#stamp !== generation || this.#source.current() !== generation) return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(k, deepFreeze(value));
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  if (value instanceof Map || value instanceof Set) return value;
  for (const v of Object.values(value as object)) deepFreeze(v);
  return Object.freeze(value);
}
