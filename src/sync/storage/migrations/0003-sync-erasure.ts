import type { Kysely } from "kysely";

/**
 * Erasure in the sync database: a tombstone per erased lead id (ids only, so neither a webhook
 * nor a reconciliation pass stores the lead again) and an audit log that holds ids, counts and
 * keyed hashes of the identifiers, never the personal data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sync_erased")
    .addColumn("lead_id", "text", (c) => c.primaryKey())
    .addColumn("erased_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("sync_erasure_audit")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("at_ms", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("matched_by", "text")
    .addColumn("identifier_hashes", "text", (c) => c.notNull())
    .addColumn("via", "text", (c) => c.notNull())
    .addColumn("reference", "text")
    .addColumn("lead_ids", "text", (c) => c.notNull())
    .addColumn("lead_count", "integer", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("sync migrations are forward-only");
}
