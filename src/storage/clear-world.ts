import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Every table a world, its leads and their webhooks fill, children before parents. Settings (the
 * cursor secret, the sealed admin key, the secret-key check, the manual clock), instance nodes and
 * the directory generation stay: they belong to the installation, not to the world.
 */
const WORLD_TABLES = [
  "webhook_attempt_deliveries",
  "webhook_attempts",
  "webhook_deliveries",
  "lead_events",
  "leads",
  "ads",
  "adsets",
  "campaigns",
  "ad_account_roles",
  "ad_accounts",
  "forms",
  "page_locations",
  "page_installs",
  "page_roles",
  "webhook_subscriptions",
  "webhook_app_settings",
  "tokens",
  "app_roles",
  "lead_rate_usage",
  "lead_rate_pages",
  "pages",
  "apps",
  "users",
] as const satisfies readonly (keyof Database)[];

/** Empties the world's tables in one transaction (the reset of the testing API and `POST /_leadgraph/admin/reset`). */
export async function clearWorld(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const table of WORLD_TABLES) await tx.deleteFrom(table).execute();
  });
}
