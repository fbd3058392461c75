import type { Kysely } from "kysely";

/**
 * Counters of failed credentials and hosted form submissions, one row per key per fixed window,
 * shared by every instance on the database (domain/rate-limit/attempt-throttle.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("attempt_counters")
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("attempts", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("attempt_counters_pk", ["key", "window_start"])
    .execute();
  await db.schema.createIndex("attempt_counters_by_window").on("attempt_counters").columns(["window_start"]).execute();
}
