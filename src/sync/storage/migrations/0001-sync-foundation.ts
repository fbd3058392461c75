import type { Kysely } from "kysely";

// One schema for SQLite and PostgreSQL: text ids, bigint times, 0/1 integers, JSON as text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sync_leads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("form_id", "text", (c) => c.notNull())
    .addColumn("ad_id", "text")
    .addColumn("ad_name", "text")
    .addColumn("adset_id", "text")
    .addColumn("adset_name", "text")
    .addColumn("campaign_id", "text")
    .addColumn("campaign_name", "text")
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addColumn("is_organic", "integer")
    .addColumn("platform", "text")
    .addColumn("partner_name", "text")
    .addColumn("retailer_item_id", "text")
    .addColumn("field_data", "text", (c) => c.notNull())
    .addColumn("custom_disclaimer_responses", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("stored_at", "bigint", (c) => c.notNull())
    .addColumn("forward_pending", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("forward_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("forward_next_at", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("sync_leads_form_time").on("sync_leads").columns(["form_id", "created_time"]).execute();
  await db.schema.createIndex("sync_leads_page_time").on("sync_leads").columns(["page_id", "created_time"]).execute();
  await db.schema.createIndex("sync_leads_forward").on("sync_leads").columns(["forward_pending", "forward_next_at"]).execute();

  await db.schema
    .createTable("sync_jobs")
    .addColumn("lead_id", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("form_id", "text", (c) => c.notNull())
    .addColumn("ad_id", "text")
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("sync_jobs_due").on("sync_jobs").columns(["status", "next_attempt_at"]).execute();

  await db.schema
    .createTable("sync_forms")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("high_water", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("last_reconciled_at", "bigint")
    .addColumn("last_error", "text")
    .execute();

  await db.schema
    .createTable("sync_state")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("sync migrations are forward-only");
}
