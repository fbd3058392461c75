import { randomBytes } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { SyncDatabase, SyncErasureAuditTable } from "./schema.ts";

const CHUNK = 500;
const KEY_STATE = "erasure_identifier_key";

export type SyncErasureAudit = Selectable<SyncErasureAuditTable>;

/** The sync database's side of erasure (sync-erasure.ts decides what to erase). */
export class SyncErasureStore {
  readonly #db: Kysely<SyncDatabase>;

  constructor(db: Kysely<SyncDatabase>) {
    this.#db = db;
  }

  /** Up to `limit` stored leads with an id above `afterId`, in id order: id and answers only. */
  async scan(afterId: string | null, limit: number): Promise<{ id: string; field_data: string }[]> {
    let q = this.#db.selectFrom("sync_leads").select(["id", "field_data"]);
    if (afterId !== null) q = q.where("id", ">", afterId);
    return q.orderBy("id").limit(limit).execute();
  }

  /**
   * Deletes the leads and their queued fetches, tombstones their ids and records the audit row, in
   * one transaction. Answers the ids that were stored (a tombstone is written for every id given,
   * so a lead erased before sync ever fetched it is not stored later either).
   */
  async erase(ids: readonly string[], audit: Omit<SyncErasureAudit, "lead_ids" | "lead_count">): Promise<string[]> {
    const erased: string[] = [];
    await this.#db.transaction().execute(async (tx) => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const gone = await tx.deleteFrom("sync_leads").where("id", "in", chunk).returning("id").execute();
        erased.push(...gone.map((g) => g.id));
        await tx.deleteFrom("sync_jobs").where("lead_id", "in", chunk).execute();
        await tx
          .insertInto("sync_erased")
          .values(chunk.map((lead_id) => ({ lead_id, erased_at: audit.at_ms })))
          .onConflict((oc) => oc.column("lead_id").doNothing())
          .execute();
      }
      await tx
        .insertInto("sync_erasure_audit")
        .values({ ...audit, lead_ids: JSON.stringify(erased), lead_count: erased.length })
        .execute();
    });
    return erased;
  }

  /** Random, made once per database: the key of the audit log's identifier hashes. */
  async identifierKey(): Promise<string> {
    const candidate = JSON.stringify(randomBytes(32).toString("base64url"));
    await this.#db
      .insertInto("sync_state")
      .values({ key: KEY_STATE, value: candidate, updated_at: Date.now() })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    const row = await this.#db.selectFrom("sync_state").select("value").where("key", "=", KEY_STATE).executeTakeFirstOrThrow();
    return JSON.parse(row.value) as string;
  }

  /** Newest first. */
  listAudit(limit: number): Promise<SyncErasureAudit[]> {
    return this.#db.selectFrom("sync_erasure_audit").selectAll().orderBy("id", "desc").limit(limit).execute();
  }

  /** Which of these lead ids were erased (and so must not be stored or fetched again). */
  async erasedAmong(ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.#db
        .selectFrom("sync_erased")
        .select("lead_id")
        .where("lead_id", "in", ids.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.add(r.lead_id);
    }
    return out;
  }
}
