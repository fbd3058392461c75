import type { Kysely } from "kysely";

/**
 * The erasure audit log: one row per erasure (a lead, a person, a retention purge batch) saying what
 * went, when and by whom. It holds ids and counts only, never an answer: the identifier a person
 * was matched by is kept as a keyed hash (docs/data-protection.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("erasure_audit")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("at_ms", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("matched_by", "text")
    .addColumn("identifier_hashes", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("via", "text", (c) => c.notNull())
    .addColumn("reference", "text")
    .addColumn("lead_ids", "text", (c) => c.notNull())
    .addColumn("form_ids", "text", (c) => c.notNull())
    .addColumn("page_ids", "text", (c) => c.notNull())
    .addColumn("lead_count", "integer", (c) => c.notNull())
    .addColumn("deliveries_cancelled", "integer", (c) => c.notNull())
    .addColumn("already_delivered", "integer", (c) => c.notNull())
    .addColumn("detail", "text")
    .execute();
  await db.schema.createIndex("erasure_audit_by_time").on("erasure_audit").columns(["at_ms"]).execute();
  // The retention purge looks for the oldest leads; lead lists have (form_id|ad_id, created_time) indexes only.
  await db.schema.createIndex("leads_by_created_time").on("leads").columns(["created_time", "id"]).execute();
}
