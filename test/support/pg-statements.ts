import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

let statements = 0;
const recording = new AsyncLocalStorage<string[]>();
let installed = false;

/**
 * Counts the statements this process sends to PostgreSQL (each one round trip), at the driver:
 * `statementsSent()` after `countPgStatements()` is the running total, and `recordPgStatements`
 * keeps the texts that the work it runs sends.
 */
export function countPgStatements(): void {
  if (installed) return;
  installed = true;
  // Counting wraps the driver's own method; it is called back with the client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    const texts = recording.getStore();
    if (texts) {
      const first = args[0] as string | { text?: unknown } | undefined;
      texts.push(typeof first === "string" ? first : String(first?.text ?? ""));
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

export const statementsSent = (): number => statements;

/**
 * Runs `fn` and answers the texts of the statements it sent (countPgStatements() first). Only `fn`'s
 * own asynchronous work is recorded: the runtime's background loops (listener heartbeats, the
 * dispatcher's and clock's polls) send statements whenever their timers fire, and would otherwise
 * land in the record whenever they happen to fall inside it.
 */
export async function recordPgStatements(fn: () => Promise<unknown>): Promise<string[]> {
  if (!installed) throw new Error("countPgStatements() was not called");
  const texts: string[] = [];
  await recording.run(texts, fn);
  return texts;
}
