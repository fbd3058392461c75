export type CloseHook = () => Promise<void> | void;

/**
 * Work to finish before the runtime lets go of the database: the dispatcher registers "stop
 * claiming, release in-flight deliveries" here. Hooks run newest first (what started last stops
 * first), each even when an earlier one failed; the first failure is rethrown once all ran.
 */
export class CloseHooks {
  readonly #hooks: CloseHook[] = [];

  add(hook: CloseHook): void {
    this.#hooks.push(hook);
  }

  async runAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const hook of this.#hooks.splice(0).reverse()) {
      try {
        await hook();
      } catch (e) {
        failures.push(e);
      }
    }
    if (failures.length > 0) throw new Error("a shutdown hook failed", { cause: failures[0] });
  }
}
