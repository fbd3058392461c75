import { type Kysely, sql } from "kysely";
import type { KeysetPosition } from "../../domain/cursor.ts";
import type { ExportLead, ExportRangeQuery, LeadExportRepository } from "../../domain/export/export-source.ts";
import type { Database } from "../schema.ts";

/**
 * The export's reads: one keyset-paged query per chunk on the (form_id, created_time, id) index,
 * selecting only the columns a row needs. Chunks, not one long cursor: on SQLite every query holds
 * the single connection, so a cursor open for a whole export would stall every other request.
 */
export class KyselyLeadExportRepository implements LeadExportRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async chunk(q: ExportRangeQuery & { olderThan?: KeysetPosition; limit: number }): Promise<ExportLead[]> {
    // After the first chunk the cursor and beforeTime make one upper bound: given two, SQLite seeks
    // the index by beforeTime and walks down to the cursor, so each chunk would cost as much as all
    // the chunks before it.
    const query = (q.olderThan ? this.#from(q).where(olderThan(q.olderThan, q.beforeTime)) : this.#range(q)).select([
      "id",
      "created_time",
      "ad_id",
      "is_organic",
      "is_test",
      "platform",
      "submitter_user_id",
      "created_by_user_id",
      "field_data",
      "disclaimer_responses",
    ]);
    const rows = await query.orderBy("created_time", "desc").orderBy("id", "desc").limit(q.limit).execute();
    const out = new Array<ExportLead>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = {
        id: r.id,
        // PostgreSQL answers bigint as text.
        createdTime: Number(r.created_time),
        adId: r.ad_id,
        isOrganic: r.is_organic === 1,
        isTest: r.is_test === 1,
        platform: r.platform,
        submitterUserId: r.submitter_user_id,
        createdByUserId: r.created_by_user_id,
        fieldData: r.field_data,
        disclaimerResponses: r.disclaimer_responses,
      };
    }
    return out;
  }

  async count(q: ExportRangeQuery): Promise<number> {
    const row = await this.#range(q)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  #from(q: ExportRangeQuery) {
    return this.#db.selectFrom("leads").where("form_id", "=", q.formId).where("created_time", ">=", q.fromTime);
  }

  #range(q: ExportRangeQuery) {
    return this.#from(q).where("created_time", "<", q.beforeTime);
  }
}

/**
 * Strictly older than the cursor and before `beforeTime`, written with a single `<=` bound on
 * created_time that both planners seek the (form_id, created_time, id) index to.
 */
const olderThan = (p: KeysetPosition, beforeTime: number) =>
  sql<boolean>`(created_time <= ${Math.min(p.t, beforeTime - 1)} and (created_time < ${p.t} or id < ${p.id}))`;
