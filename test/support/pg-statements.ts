import pg from "pg";

let statements = 0;
let installed = false;

/**
 * Counts the statements this process sends to PostgreSQL (each one round trip), at the driver:
 * `statementsSent()` after `countPgStatements()` is the running total.
 */
export function countPgStatements(): void {
  if (installed) return;
  installed = true;
  // Counting wraps the driver's own method; it is called back with the client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

export const statementsSent = (): number => statements;
