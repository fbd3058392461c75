import { type Compilable, CompiledQuery, createQueryId, type Kysely, PostgresAdapter, type QueryResult } from "kysely";
import type { Database } from "./schema.ts";
import { benchDisabled } from "./bench-switches.ts";
import { keepPlanFor } from "./plan-kept.ts";

/**
 * Queries compiled once per dialect and run many times with new parameter values. Kysely builds and
 * compiles every query on each call, which on the hottest paths (one lead by id, the rate-limit
 * charge, the lead insert) costs more than SQLite takes to run them. Both forms below keep the
 * compiled SQL per dialect, so the pool and every transaction share it.
 */

/** Stands for a parameter in the query a PreparedQuery builds; found again by identity in the compiled parameters. */
class Slot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

const dialectOf = (db: Kysely<Database>): "sqlite" | "postgres" =>
  db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";

interface Compiled<R> {
  sql: string;
  query: CompiledQuery<R>["query"];
  slots: ((p: object) => unknown)[];
}

/**
 * A query with named parameters: `build` receives a `param(name)` that stands for a value supplied
 * at run time (every other value is fixed at compile time) and returns the compiled query
 * (`.compile()` of a builder, `.compile(db)` of raw SQL).
 */
export class PreparedQuery<P extends object, R> {
  readonly #build: (db: Kysely<Database>, param: (name: keyof P & string) => never) => CompiledQuery<R>;
  readonly #compiled = new Map<string, Compiled<R>>();

  constructor(build: (db: Kysely<Database>, param: (name: keyof P & string) => never) => CompiledQuery<R>) {
    this.#build = build;
  }

  execute(db: Kysely<Database>, params: P): Promise<QueryResult<R>> {
    const c = benchDisabled.has("prepared-query") ? this.#compile(db) : this.#compiledFor(db);
    const parameters = c.slots.map((slot) => slot(params));
    return db.executeQuery<R>({ sql: c.sql, query: c.query, queryId: createQueryId(), parameters });
  }

  /** The SQL text this query runs as on `db`'s dialect. */
  sqlFor(db: Kysely<Database>): string {
    return this.#compiledFor(db).sql;
  }

  #compiledFor(db: Kysely<Database>): Compiled<R> {
    const dialect = dialectOf(db);
    let c = this.#compiled.get(dialect);
    if (c === undefined) {
      c = this.#compile(db);
      this.#compiled.set(dialect, c);
    }
    return c;
  }

  #compile(db: Kysely<Database>): Compiled<R> {
    const compiled = this.#build(db, (name) => new Slot(name) as never);
    const slots = compiled.parameters.map((value) => {
      if (value instanceof Slot) {
        const { name } = value;
        return (p: object) => (p as Record<string, unknown>)[name];
      }
      return () => value;
    });
    keepPlanFor(compiled.sql);
    return { sql: compiled.sql, query: compiled.query, slots };
  }
}

const sqlByShape = new Map<string, string>();

/**
 * A query of a fixed `shape` (a name the caller chooses) whose parameters are exactly `parameters`,
 * in Kysely's order: built and compiled only the first time per dialect and shape. The first run
 * checks the order, so a shape whose parameters are not just these values fails at once. Without a
 * shape the query is built as usual (sizes that do not recur are not worth keeping).
 */
export async function executeShaped(
  db: Kysely<Database>,
  shape: string | undefined,
  parameters: readonly unknown[],
  build: () => Compilable,
) {
  if (shape === undefined || benchDisabled.has("prepared-query")) return db.executeQuery(build().compile());
  const key = `${dialectOf(db)}:${shape}`;
  let text = sqlByShape.get(key);
  if (text === undefined) {
    const compiled = build().compile();
    if (compiled.parameters.length !== parameters.length || compiled.parameters.some((p, i) => p !== parameters[i])) {
      throw new Error(`prepared query: parameters of ${shape} are not the values given`);
    }
    text = compiled.sql;
    keepPlanFor(text);
    sqlByShape.set(key, text);
  }
  return db.executeQuery(CompiledQuery.raw(text, [...parameters]));
}
