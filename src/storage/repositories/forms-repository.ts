import { type Kysely, type Selectable, sql } from "kysely";
import type { FormRecord, FormStatus } from "../../domain/model.ts";
import type { FormDefinition, FormRepository } from "../../domain/ports.ts";
import type { KeysetPosition } from "../../domain/cursor.ts";
import type { Database, FormsTable } from "../schema.ts";
import type { FormDefinitionCache } from "./form-definition-cache.ts";
import { PreparedQuery } from "../prepared-query.ts";

const toRecord = (r: Selectable<FormsTable>): FormRecord => ({
  id: r.id,
  pageId: r.page_id,
  name: r.name,
  status: r.status as FormStatus,
  locale: r.locale,
  createdTime: Number(r.created_time),
  spec: JSON.parse(r.spec),
  leadsCount: Number(r.leads_count),
  organicLeadsCount: Number(r.organic_leads_count),
});

// Every Graph request on a form (its node, its edges: test leads, leads) loads it by id.
const formById = new PreparedQuery<{ id: string }, Selectable<FormsTable>>((db, param) =>
  db.selectFrom("forms").selectAll().where("id", "=", param("id")).compile(),
);

/** Per-transaction note of the forms it wrote: their cache entries are dropped again when it ends. */
export type FormWrites = Set<string>;

export class KyselyFormRepository implements FormRepository {
  readonly #db: Kysely<Database>;
  readonly #cache: FormDefinitionCache;
  readonly #written: FormWrites | undefined;

  /** `written` is given for a transaction's repository, absent for the pool's. */
  constructor(db: Kysely<Database>, cache: FormDefinitionCache, written?: FormWrites) {
    this.#db = db;
    this.#cache = cache;
    this.#written = written;
  }

  async definition(id: string): Promise<FormDefinition | undefined> {
    const load = async (): Promise<FormDefinition | undefined> => {
      const form = await this.get(id);
      if (!form) return undefined;
      const { leadsCount: _a, organicLeadsCount: _b, ...definition } = form;
      return definition;
    };
    // What this transaction wrote is not committed yet: neither served from nor put into the cache.
    if (this.#written?.has(id)) return load();
    return this.#cache.get(id, load);
  }

  #invalidate(id: string): void {
    this.#cache.invalidate(id);
    this.#written?.add(id);
  }

  async get(id: string): Promise<FormRecord | undefined> {
    const row = (await formById.execute(this.#db, { id })).rows[0];
    return row && toRecord(row);
  }

  async listByPage(pageId: string, q: { olderThan?: KeysetPosition; newerThan?: KeysetPosition; limit: number }): Promise<FormRecord[]> {
    // Deleted forms are filtered here, not after paging, so pages stay full and counts agree.
    let query = this.#db.selectFrom("forms").selectAll().where("page_id", "=", pageId).where("status", "!=", "DELETED");
    const asc = q.newerThan !== undefined;
    if (q.olderThan) {
      const p = q.olderThan;
      query = query.where(sql<boolean>`(created_time < ${p.t} or (created_time = ${p.t} and id < ${p.id}))`);
    }
    if (q.newerThan) {
      const p = q.newerThan;
      query = query.where(sql<boolean>`(created_time > ${p.t} or (created_time = ${p.t} and id > ${p.id}))`);
    }
    const dir = asc ? "asc" : "desc";
    const rows = await query.orderBy("created_time", dir).orderBy("id", dir).limit(q.limit).execute();
    if (asc) rows.reverse();
    return rows.map(toRecord);
  }

  async countByPage(pageId: string): Promise<number> {
    const r = await this.#db
      .selectFrom("forms")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("page_id", "=", pageId)
      .where("status", "!=", "DELETED")
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async upsert(f: FormRecord): Promise<void> {
    const row = {
      id: f.id,
      page_id: f.pageId,
      name: f.name,
      status: f.status,
      locale: f.locale,
      created_time: f.createdTime,
      spec: JSON.stringify(f.spec),
      leads_count: f.leadsCount,
      organic_leads_count: f.organicLeadsCount,
    };
    // Counters belong to the leads that exist; re-loading a definition must not reset them.
    const { leads_count: _a, organic_leads_count: _b, ...definition } = row;
    const epoch = this.#cache.epoch;
    await this.#db
      .insertInto("forms")
      .values(row)
      .onConflict((oc) => oc.column("id").doUpdateSet(definition))
      .execute();
    if (this.#written) {
      this.#invalidate(f.id);
    } else {
      // Committed already (no transaction): what was written is the definition.
      const { leadsCount: _c, organicLeadsCount: _d, ...form } = f;
      this.#cache.put(f.id, form, epoch);
    }
  }

  async setStatus(id: string, status: FormStatus): Promise<void> {
    await this.#db.updateTable("forms").set({ status }).where("id", "=", id).execute();
    this.#invalidate(id);
  }
}
