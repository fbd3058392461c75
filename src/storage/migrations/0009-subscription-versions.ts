import type { Kysely } from "kysely";

/**
 * The Graph version each subscribed field was subscribed with (`{"leadgen":"v21.0"}`), reported by
 * `GET /{app}/subscriptions` whatever version the path reading it names. Rows made before this
 * have none; they report the version of the path, as every row did before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("webhook_subscriptions").addColumn("field_versions", "text").execute();
}
