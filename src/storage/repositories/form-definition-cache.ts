import type { FormDefinition } from "../../domain/ports.ts";

/** Bounds how long another process's change to a form (a world file re-loaded, a status set there) goes unseen here. */
const TTL_MS = 5_000;
const MAX_FORMS = 10_000;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Form definitions by id for one process, shared by the pool's store and every transaction's. Every
 * lead, whatever its way in, needs its form's questions; reading and parsing them per lead was a
 * query and a JSON.parse of the whole spec, for data that changes almost never.
 *
 * A write to a form invalidates it; the epoch keeps a load that was already running when the write
 * happened from storing what it read before. Missing forms are not cached (a form made by another
 * instance is usable at once). The age is measured on the monotonic clock, not the domain clock,
 * which tests and demos freeze or move.
 */
export class FormDefinitionCache {
  readonly #entries = new Map<string, { form: FormDefinition; loadedAt: number }>();
  #epoch = 0;

  async get(id: string, load: () => Promise<FormDefinition | undefined>): Promise<FormDefinition | undefined> {
    const hit = this.#entries.get(id);
    if (hit && performance.now() - hit.loadedAt < TTL_MS) return hit.form;
    const epoch = this.#epoch;
    const form = await load();
    if (!form) return undefined;
    deepFreeze(form);
    if (epoch === this.#epoch) {
      if (!this.#entries.has(id) && this.#entries.size >= MAX_FORMS) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(id, { form, loadedAt: performance.now() });
    }
    return form;
  }

  /** Where writes stand now: pass it to put() after a write to know no other write came between. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Caches what this process has just committed (a form created: its first lead should not need a
   * read). If any write came between `epochBefore` and now, this one may not be the latest: dropped.
   */
  put(id: string, form: FormDefinition, epochBefore: number): void {
    if (epochBefore !== this.#epoch) {
      this.invalidate(id);
      return;
    }
    this.#epoch++;
    if (!this.#entries.has(id) && this.#entries.size >= MAX_FORMS) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(id, { form: deepFreeze(structuredClone(form)), loadedAt: performance.now() });
  }

  invalidate(id: string): void {
    this.#epoch++;
    this.#entries.delete(id);
  }
}
