import { type Kysely, PostgresAdapter, sql } from "kysely";
import { CACHED_TABLES } from "./0007-directory-generation.ts";

/** The channel every committed change to a cached directory table is announced on (PostgreSQL). */
export const DIRECTORY_CHANNEL = "leadgraph_directory";

/**
 * PostgreSQL: every statement that changes a cached directory table NOTIFYs `leadgraph_directory`,
 * delivered to every listening instance when the writing transaction commits (and never when it
 * rolls back), whoever wrote it. Each instance keeps its directory cache valid until the next
 * notification (storage/dialects/postgres/directory-generation.ts). Statement triggers, and no
 * counter row: writers of the directory never queue on one row. SQLite keeps its counter triggers
 * (0007).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // Replaced rather than created, so a database whose migration record was rolled back by hand
  // (tests replaying an older release) takes it again.
  await sql
    .raw(
      `create or replace function leadgraph_directory_changed() returns trigger language plpgsql as $$
    begin perform pg_notify('${DIRECTORY_CHANNEL}', ''); return null; end $$`,
    )
    .execute(db);
  for (const table of CACHED_TABLES) {
    await sql.raw(`drop trigger if exists ${table}_notifies_directory on ${table}`).execute(db);
    await sql
      .raw(
        `create trigger ${table}_notifies_directory after insert or update or delete or truncate on ${table}
      for each statement execute function leadgraph_directory_changed()`,
      )
      .execute(db);
  }
}
