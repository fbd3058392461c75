import { type CompiledQuery, createQueryId, type Kysely, type QueryResult } from "kysely";
import type { Database } from "./schema.ts";

const MARK = "\u0000leadgraph-param:";

/**
 * A query compiled once, run many times with new parameter values. Kysely builds and compiles
 * every query on each call, which on the hottest paths (one lead by id, the rate-limit charge)
 * costs more than SQLite takes to run them. `build` receives a `param(name)` that stands for a
 * value supplied at run time; every other value is fixed at compile time. `build` returns the
 * compiled query (`.compile()` of a builder, `.compile(db)` of raw SQL).
 */
export class PreparedQuery<P extends object, R> {
  readonly #db: Kysely<Database>;
  readonly #build: (param: (name: keyof P & string) => never) => CompiledQuery<R>;
  #compiled: { sql: string; query: CompiledQuery<R>["query"]; slots: ((p: P) => unknown)[] } | undefined;

  /** `build` must use the same `db` (its dialect compiles the SQL). */
  constructor(db: Kysely<Database>, build: (param: (name: keyof P & string) => never) => CompiledQuery<R>) {
    this.#db = db;
    this.#build = build;
  }

  execute(params: P): Promise<QueryResult<R>> {
    const c = (this.#compiled ??= this.#compile());
    return this.#db.executeQuery<R>({
      sql: c.sql, query: c.query, queryId: createQueryId(), parameters: c.slots.map((slot) => slot(params)),
    });
  }

  #compile() {
    const compiled = this.#build((name) => `${MARK}${name}` as never);
    const slots = compiled.parameters.map((value) => {
      if (typeof value === "string" && value.startsWith(MARK)) {
        const name = value.slice(MARK.length);
        return (p: P) => p[name as keyof P];
      }
      return () => value;
    });
    return { sql: compiled.sql, query: compiled.query, slots };
  }
}
