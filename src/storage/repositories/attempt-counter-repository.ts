import { type Kysely, sql } from "kysely";
import type { AttemptCounterStore } from "../../domain/rate-limit/attempt-throttle.ts";
import type { Database } from "../schema.ts";

/** Rows older than this are deleted as new windows start: longer than any throttle window. */
const KEEP_SECONDS = 24 * 3600;

export class KyselyAttemptCounterRepository implements AttemptCounterStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async count(key: string, windowStart: number): Promise<number> {
    const r = await this.#db
      .selectFrom("attempt_counters")
      .select("attempts")
      .where("key", "=", key)
      .where("window_start", "=", windowStart)
      .executeTakeFirst();
    return r === undefined ? 0 : Number(r.attempts);
  }

  /** One upsert: instances counting the same key at once each get their own total. */
  async add(key: string, windowStart: number): Promise<number> {
    const r = await this.#db
      .insertInto("attempt_counters")
      .values({ key, window_start: windowStart, attempts: 1 })
      .onConflict((oc) => oc.columns(["key", "window_start"]).doUpdateSet({ attempts: sql`attempt_counters.attempts + 1` }))
      .returning("attempts")
      .executeTakeFirstOrThrow();
    const attempts = Number(r.attempts);
    if (attempts === 1)
      await this.#db
        .deleteFrom("attempt_counters")
        .where("window_start", "<", windowStart - KEEP_SECONDS)
        .execute();
    return attempts;
  }
}
