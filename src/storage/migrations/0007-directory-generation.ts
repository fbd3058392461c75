import { type Kysely, PostgresAdapter, sql } from "kysely";

/** Tables whose rows the SQLite read cache keeps (storage/cache/): any change to them bumps the generation. */
export const CACHED_TABLES = [
  "apps",
  "app_roles",
  "users",
  "pages",
  "page_roles",
  "ad_accounts",
  "ad_account_roles",
  "campaigns",
  "adsets",
  "ads",
  "tokens",
] as const;

/**
 * A counter that every committed change to a cached table bumps, through triggers, so that a
 * process can tell with one primary-key read whether anything it cached may have changed, whoever
 * wrote it (this process, another process on the file, the CLI, a hand-run SQL statement).
 * PostgreSQL gets the table but no triggers: it reads through without a cache (docs/architecture.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("directory_generation")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("n", "bigint", (c) => c.notNull())
    .execute();
  await db.insertInto("directory_generation").values({ id: 1, n: 0 }).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const table of CACHED_TABLES) {
    for (const event of ["insert", "update", "delete"]) {
      await sql
        .raw(
          `create trigger ${table}_${event}_bumps_generation after ${event} on ${table}
        begin update directory_generation set n = n + 1 where id = 1; end`,
        )
        .execute(db);
    }
  }
}
