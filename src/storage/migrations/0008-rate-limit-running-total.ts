import { type Kysely, sql } from "kysely";

/**
 * A running total per page on the lead rate limit's minute buckets: `cum` is every call charged to
 * the page up to and including the bucket. The 24-hour window's usage is then the newest bucket's
 * total minus the total before the window's oldest bucket (two index seeks) instead of a sum over up
 * to 1,440 rows on every lead read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("lead_rate_usage")
    .addColumn("cum", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update lead_rate_usage set cum = (select sum(u2.calls) from lead_rate_usage u2
    where u2.page_id = lead_rate_usage.page_id and u2.bucket <= lead_rate_usage.bucket)`.execute(db);
}
