import type { Kysely } from "kysely";

/**
 * The lead rate limit's counters. One row per page (its lock row: every charge upserts it first,
 * which serialises decisions for the page across instances) and one row per page per minute.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("lead_rate_pages")
    .addColumn("page_id", "text", (c) => c.primaryKey())
    .addColumn("forced_until", "bigint")
    .execute();

  await db.schema
    .createTable("lead_rate_usage")
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("bucket", "bigint", (c) => c.notNull())
    .addColumn("calls", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("lead_rate_usage_pk", ["page_id", "bucket"])
    .execute();
  await db.schema.createIndex("lead_rate_usage_by_bucket").on("lead_rate_usage").columns(["bucket"]).execute();
}
