/**
 * In-process wake-up for the dispatcher: LeadIntake rings it after committing leads with outbox
 * rows, so a lead goes out at once instead of at the next poll. (On PostgreSQL every instance is
 * also woken by NOTIFY from a trigger, which covers leads written by other processes.)
 */
export class OutboxSignal {
  readonly #listeners = new Set<() => void>();

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  notify(): void {
    for (const fn of this.#listeners) fn();
  }
}
