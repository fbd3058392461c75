import pg from "pg";
import { planMayBeKept } from "../../plan-kept.ts";

/**
 * Server-side prepared statements for the queries this process runs again and again.
 *
 * Kysely sends every query as an unnamed statement, which PostgreSQL parses and plans on each
 * execution. Measured on a lead read (`GET /{lead-id}`, one primary-key select, docs/benchmarks.md):
 * PostgreSQL spent 100 µs of CPU per request unnamed and 45 µs named, and the instance answered
 * 24 % more requests per second. pg parses a named statement once per connection and afterwards
 * sends only Bind/Execute.
 *
 * Only texts whose plan may be kept are named (plan-kept.ts: PostgreSQL plans a named statement
 * for no values in particular after a few runs, which suits a lookup by key and not a filter).
 * Bounded on both sides: a text gets a name on its second use (one-off texts never take a slot),
 * at most `maxNames` texts are ever named per pool (each connection holds a plan for every name it
 * has run), and only parameterised DML and selects are named (not DDL, `begin`, `set`).
 */
export class StatementNames {
  readonly #names = new Map<string, string>();
  readonly #seenOnce = new Set<string>();
  readonly #maxNames: number;
  readonly #mayKeepPlan: (text: string) => boolean;

  constructor(maxNames: number, mayKeepPlan: (text: string) => boolean = planMayBeKept) {
    this.#maxNames = maxNames;
    this.#mayKeepPlan = mayKeepPlan;
  }

  /** The name to run `text` under, or undefined to run it unnamed. */
  nameFor(text: string, parameterCount: number): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (parameterCount === 0 || this.#names.size >= this.#maxNames || !PREPARABLE.test(text) || !this.#mayKeepPlan(text)) return undefined;
    if (!this.#seenOnce.has(text)) {
      // Cleared rather than evicted one by one: it only delays naming a text by one more use.
      if (this.#seenOnce.size >= SEEN_ONCE_LIMIT) this.#seenOnce.clear();
      this.#seenOnce.add(text);
      return undefined;
    }
    this.#seenOnce.delete(text);
    const name = `leadgraph_${this.#names.size}`;
    this.#names.set(text, name);
    return name;
  }

  get size(): number {
    return this.#names.size;
  }
}

const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
const SEEN_ONCE_LIMIT = 4096;

/** PostgreSQL's answer when a prepared select's columns changed under it (a migration by another instance). */
const isStaleResultType = (e: unknown): boolean =>
  typeof e === "object" &&
  e !== null &&
  (e as { code?: unknown }).code === "0A000" &&
  /cached plan must not change result type/.test(String((e as Error).message));

/**
 * A pg client class that runs Kysely's `(text, values)` queries under the names `statements`
 * gives; every other call (cursors, callbacks, config objects) passes through unchanged.
 */
export function namingClient(statements: StatementNames): typeof pg.Client {
  class NamingClient extends pg.Client {
    /** Texts whose prepared plan this connection can no longer use (see `isStaleResultType`). */
    stale: Set<string> | undefined;
  }
  // pg's `query` is a set of overloads no override can restate; the base is called with the
  // client as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
  NamingClient.prototype.query = function (this: NamingClient, ...args: unknown[]) {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== "string" || !Array.isArray(values)) return query.apply(this, args);
    const name = this.stale?.has(text) ? undefined : statements.nameFor(text, values.length);
    if (name === undefined) return query.apply(this, args);
    return (query.call(this, { name, text, values }) as Promise<pg.QueryResult>).catch((e: unknown) => {
      // A select prepared before a migration changed its table's columns fails on this connection
      // for good; run it unnamed from now on. Inside a transaction ("I" is idle, outside one) the
      // error has aborted it, so it is the caller's to see.
      if (!isStaleResultType(e) || this.getTransactionStatus() !== "I") throw e;
      (this.stale ??= new Set()).add(text);
      return query.call(this, text, values);
    });
  } as pg.Client["query"];
  return NamingClient;
}
