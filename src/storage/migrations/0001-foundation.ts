import type { Kysely } from "kysely";

/**
 * The foundation schema. Numeric Graph ids are text (they exceed 2^53); times are unix seconds in
 * bigint; booleans are 0/1 integers; JSON is text. Forms are immutable once created (as on Meta:
 * a published form can only be archived), so a form's definition is one JSON document.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("instances")
    .addColumn("node", "integer", (c) => c.primaryKey())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("apps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_enc", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addColumn("require_appsecret_proof", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("app_roles")
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_roles_pk", ["app_id", "user_id"])
    .execute();

  await db.schema
    .createTable("pages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("lead_access", "text")
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("page_roles")
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("tasks", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("page_roles_pk", ["page_id", "user_id"])
    .execute();
  await db.schema.createIndex("page_roles_by_user").on("page_roles").columns(["user_id"]).execute();

  await db.schema
    .createTable("page_locations")
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id").onDelete("cascade"))
    .addColumn("store_number", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("street", "text", (c) => c.notNull())
    .addColumn("city", "text", (c) => c.notNull())
    .addColumn("zip", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("latitude", "double precision")
    .addColumn("longitude", "double precision")
    .addPrimaryKeyConstraint("page_locations_pk", ["page_id", "store_number"])
    .execute();

  await db.schema
    .createTable("ad_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ad_account_roles")
    .addColumn("account_id", "text", (c) => c.notNull().references("ad_accounts.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ad_account_roles_pk", ["account_id", "user_id"])
    .execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("ad_accounts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("adsets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "text", (c) => c.notNull().references("campaigns.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("forms")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("leads_count", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("organic_leads_count", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("forms_by_page").on("forms").columns(["page_id", "created_time", "id"]).execute();

  await db.schema
    .createTable("ads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("adset_id", "text", (c) => c.notNull().references("adsets.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("form_id", "text", (c) => c.references("forms.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ads_by_form").on("ads").columns(["form_id"]).execute();

  await db.schema
    .createTable("leads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("form_id", "text", (c) => c.notNull().references("forms.id"))
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("ad_id", "text")
    .addColumn("adset_id", "text")
    .addColumn("campaign_id", "text")
    .addColumn("account_id", "text")
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("is_organic", "integer", (c) => c.notNull())
    .addColumn("is_test", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("field_data", "text", (c) => c.notNull())
    .addColumn("disclaimer_responses", "text", (c) => c.notNull())
    .addColumn("partner_name", "text")
    .addColumn("retailer_item_id", "text")
    .addColumn("created_by_app_id", "text")
    .addColumn("created_by_user_id", "text")
    .addColumn("submitter_user_id", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .execute();
  // The read paths: a form's or an ad's leads newest first, filtered by time; a page's recent leads
  // (rate-limit budget); import dedupe.
  await db.schema.createIndex("leads_by_form_time").on("leads").columns(["form_id", "created_time", "id"]).execute();
  await db.schema.createIndex("leads_by_ad_time").on("leads").columns(["ad_id", "created_time", "id"]).execute();
  await db.schema.createIndex("leads_by_page_time").on("leads").columns(["page_id", "created_time"]).execute();
  await db.schema.createIndex("leads_external_id").on("leads").columns(["form_id", "external_id"]).unique().execute();

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("display_prefix", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text")
    .addColumn("page_id", "text")
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("issued_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("data_access_expires_at", "bigint")
    .addColumn("long_lived", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("invalidated_subcode", "integer")
    .addColumn("invalidated_reason", "text")
    .addColumn("label", "text")
    .execute();
  await db.schema.createIndex("tokens_by_user").on("tokens").columns(["user_id"]).execute();
  await db.schema.createIndex("tokens_by_app").on("tokens").columns(["app_id"]).execute();

  // The outbox: one row per new lead, written in the lead's transaction; the webhook dispatcher fans it out.
  await db.schema
    .createTable("lead_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("lead_id", "text", (c) => c.notNull())
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("form_id", "text", (c) => c.notNull())
    .addColumn("ad_id", "text")
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addColumn("enqueued_at", "bigint", (c) => c.notNull())
    .addColumn("fanned_out", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("lead_events_pending").on("lead_events").columns(["fanned_out", "enqueued_at"]).execute();

  await db.schema
    .createTable("webhook_subscriptions")
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
    .addColumn("object", "text", (c) => c.notNull())
    .addColumn("callback_url", "text", (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("verify_token", "text", (c) => c.notNull())
    .addColumn("include_values", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_subscriptions_pk", ["app_id", "object"])
    .execute();

  await db.schema
    .createTable("page_installs")
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id").onDelete("cascade"))
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
    .addColumn("subscribed_fields", "text", (c) => c.notNull())
    .addColumn("created_time", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("page_installs_pk", ["page_id", "app_id"])
    .execute();
}
