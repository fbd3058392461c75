import { type Kysely, sql } from "kysely";

/**
 * A form's test leads by an index of their own: every test-lead creation (and `GET
 * /{form-id}/test_leads`) asks for them, and the form's index made that a walk over all its leads
 * (every lead of a form with a million, to find none or one). A partial index holds test leads only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("leads_test_by_form")
    .ifNotExists()
    .on("leads")
    .columns(["form_id", "created_time"])
    .where(sql.ref("is_test"), "=", sql.lit(1))
    .execute();
}
