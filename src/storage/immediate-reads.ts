import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Runs a read at once and answers its rows, or undefined when it cannot run now (the connection is
 * inside a transaction, whose uncommitted rows the read must not see, or the statement writes).
 */
export type ImmediateRead = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<object, ImmediateRead>();

/**
 * An embedded database answers a keyed read in microseconds, less than Kysely spends queueing it
 * for its one connection and handing the rows back through promises. A connection that can answer
 * such reads synchronously registers here; prepared queries ask it first and otherwise go through
 * Kysely as usual (PostgreSQL, transactions).
 */
export function allowImmediateReads(db: Kysely<Database>, read: ImmediateRead): void {
  readers.set(db, read);
}

export function immediateRead(db: Kysely<Database>, sql: string, parameters: readonly unknown[]): unknown[] | undefined {
  return readers.get(db)?.(sql, parameters);
}
