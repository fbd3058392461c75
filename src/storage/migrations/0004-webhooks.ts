import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Webhook delivery: one row per (lead, app) to deliver, every attempt with the exact bytes sent,
 * per-app fault injection and auto-disable settings, and failure tracking on subscriptions.
 * Scheduling columns are milliseconds of the injected clock (`*_ms`); leases are wall-clock
 * milliseconds, since they measure whether an instance is alive, not a product rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("event_id", "text")
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("form_id", "text", (c) => c.notNull())
    .addColumn("lead_id", "text", (c) => c.notNull())
    .addColumn("ad_id", "text")
    .addColumn("lead_created_time", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("redelivery_of", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_ms", "bigint", (c) => c.notNull())
    .addColumn("next_attempt_ms", "bigint", (c) => c.notNull())
    .addColumn("first_attempt_ms", "bigint")
    .addColumn("last_attempt_ms", "bigint")
    .addColumn("last_status", "integer")
    .addColumn("last_error", "text")
    .addColumn("finished_ms", "bigint")
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .execute();
  // A lead event fans out to an app once, even when two instances fan out the same event.
  await db.schema.createIndex("webhook_deliveries_event_app").on("webhook_deliveries").columns(["event_id", "app_id"]).unique().execute();
  await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_attempt_ms"]).execute();
  await db.schema.createIndex("webhook_deliveries_by_app").on("webhook_deliveries").columns(["app_id", "created_ms"]).execute();
  await db.schema.createIndex("webhook_deliveries_by_lead").on("webhook_deliveries").columns(["lead_id"]).execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("callback_url", "text", (c) => c.notNull())
    .addColumn("at_ms", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("http_status", "integer")
    .addColumn("latency_ms", "integer")
    .addColumn("response_excerpt", "text")
    .addColumn("error", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("signature_256", "text", (c) => c.notNull())
    .addColumn("signature_1", "text", (c) => c.notNull())
    .addColumn("change_count", "integer", (c) => c.notNull())
    .addColumn("instance", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhook_attempts_by_app").on("webhook_attempts").columns(["app_id", "at_ms"]).execute();
  await db.schema.createIndex("webhook_attempts_by_time").on("webhook_attempts").columns(["at_ms"]).execute();

  await db.schema
    .createTable("webhook_attempt_deliveries")
    .addColumn("attempt_id", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_attempt_deliveries_pk", ["attempt_id", "delivery_id"])
    .execute();
  await db.schema.createIndex("webhook_attempt_deliveries_by_delivery").on("webhook_attempt_deliveries").columns(["delivery_id"]).execute();

  await db.schema
    .createTable("webhook_app_settings")
    .addColumn("app_id", "text", (c) => c.primaryKey())
    .addColumn("faults", "text", (c) => c.notNull())
    .addColumn("auto_disable_hours", "double precision")
    .execute();

  await db.schema.alterTable("webhook_subscriptions").addColumn("failing_since_ms", "bigint").execute();
  await db.schema.alterTable("webhook_subscriptions").addColumn("disabled_ms", "bigint").execute();
  await db.schema.alterTable("webhook_subscriptions").addColumn("disabled_reason", "text").execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Every instance LISTENs on this channel: a committed lead (or redelivery) wakes all dispatchers at once.
    await sql`create or replace function leadgraph_outbox_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('leadgraph_outbox', ''); return null; end $$`.execute(db);
    await sql`create trigger lead_events_notify after insert on lead_events for each statement execute function leadgraph_outbox_notify()`.execute(
      db,
    );
    await sql`create trigger webhook_deliveries_notify after insert on webhook_deliveries for each statement execute function leadgraph_outbox_notify()`.execute(
      db,
    );
  }
}
