import type { Kysely } from "kysely";

// A reconciliation pass records how far down it has read, so a restart resumes instead of re-reading.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sync_forms").addColumn("pass_since", "bigint").execute();
  await db.schema.alterTable("sync_forms").addColumn("pass_until", "bigint").execute();
  await db.schema.alterTable("sync_forms").addColumn("pass_newest", "bigint").execute();
}

export async function down(): Promise<void> {
  throw new Error("sync migrations are forward-only");
}
