import pg from "pg";

let statements = 0;
let recording: string[] | undefined;
let installed = false;

/**
 * Counts the statements this process sends to PostgreSQL (each one round trip), at the driver:
 * `statementsSent()` after `countPgStatements()` is the running total, and `recordPgStatements`
 * keeps the texts sent while it runs.
 */
export function countPgStatements(): void {
  if (installed) return;
  installed = true;
  // Counting wraps the driver's own method; it is called back with the client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    if (recording) {
      const first = args[0] as string | { text?: unknown } | undefined;
      recording.push(typeof first === "string" ? first : String(first?.text ?? ""));
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

export const statementsSent = (): number => statements;

/** Runs `fn` and answers the texts of the statements sent meanwhile (countPgStatements() first). */
export async function recordPgStatements(fn: () => Promise<unknown>): Promise<string[]> {
  if (!installed) throw new Error("countPgStatements() was not called");
  const texts: string[] = [];
  recording = texts;
  try {
    await fn();
  } finally {
    recording = undefined;
  }
  return texts;
}
