import { type Kysely, PostgresAdapter, sql } from "kysely";
import { chargeFunctionDdl } from "../dialects/postgres/charge-lead-usage.ts";

/**
 * PostgreSQL: the lead rate limit's charge as a function, so taking the page's lock and charging
 * are one round trip (dialects/postgres/charge-lead-usage.ts says why). The function is generated
 * from the charge statement SQLite runs; a change to that statement needs a migration that replaces
 * it again (a test compares the installed function with the statement).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql.raw(chargeFunctionDdl(db)).execute(db);
}
