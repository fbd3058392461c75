import { type Kysely, sql } from "kysely";
import type { LeadUsageStore, PageUsageSummary, PageUsageTx, UsageBucket } from "../../domain/rate-limit/usage-store.ts";
import type { Database } from "../schema.ts";

/**
 * Counters of the lead rate limit. `withPage` opens a transaction whose first statement upserts the
 * page's row: on PostgreSQL that takes the row lock until commit, on SQLite it takes the write
 * lock, so the read-decide-increment of one page is serialised across connections and instances.
 */
export class KyselyLeadUsageRepository implements LeadUsageStore {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  withPage<T>(pageId: string, fn: (tx: PageUsageTx) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.insertInto("lead_rate_pages").values({ page_id: pageId, forced_until: null })
        .onConflict((oc) => oc.column("page_id").doUpdateSet({ page_id: (eb) => eb.ref("excluded.page_id") }))
        .returning("forced_until")
        .executeTakeFirstOrThrow();
      const tx: PageUsageTx = {
        forcedUntil: row.forced_until === null ? null : Number(row.forced_until),
        used: (fromBucket) => usedSince(trx, pageId, fromBucket),
        buckets: (fromBucket) => bucketsSince(trx, pageId, fromBucket),
        countLeads: (from, to) => countLeads(trx, pageId, from, to),
        async add(bucket, calls) {
          await trx.insertInto("lead_rate_usage").values({ page_id: pageId, bucket, calls })
            .onConflict((oc) => oc.columns(["page_id", "bucket"]).doUpdateSet({ calls: sql`lead_rate_usage.calls + excluded.calls` }))
            .execute();
        },
      };
      return fn(tx);
    });
  }

  async summaries(fromBucket: number): Promise<PageUsageSummary[]> {
    const used = await this.#db.selectFrom("lead_rate_usage")
      .select(["page_id", (eb) => eb.fn.sum<number>("calls").as("used")])
      .where("bucket", ">=", fromBucket)
      .groupBy("page_id")
      .execute();
    const forced = await this.#db.selectFrom("lead_rate_pages").select(["page_id", "forced_until"]).where("forced_until", "is not", null).execute();
    const out = new Map<string, PageUsageSummary>();
    for (const r of used) out.set(r.page_id, { pageId: r.page_id, used: Number(r.used), forcedUntil: null });
    for (const r of forced) {
      const s = out.get(r.page_id) ?? { pageId: r.page_id, used: 0, forcedUntil: null };
      s.forcedUntil = r.forced_until === null ? null : Number(r.forced_until);
      out.set(r.page_id, s);
    }
    return [...out.values()];
  }

  buckets(pageId: string, fromBucket: number): Promise<UsageBucket[]> {
    return bucketsSince(this.#db, pageId, fromBucket);
  }

  async forcedUntil(pageId: string): Promise<number | null> {
    const r = await this.#db.selectFrom("lead_rate_pages").select("forced_until").where("page_id", "=", pageId).executeTakeFirst();
    return r?.forced_until == null ? null : Number(r.forced_until);
  }

  countLeads(pageId: string, from: number, to: number): Promise<number> {
    return countLeads(this.#db, pageId, from, to);
  }

  async setForced(pageId: string, until: number | null): Promise<void> {
    await this.#db.insertInto("lead_rate_pages").values({ page_id: pageId, forced_until: until })
      .onConflict((oc) => oc.column("page_id").doUpdateSet({ forced_until: until }))
      .execute();
  }

  async reset(pageId: string): Promise<void> {
    await this.#db.deleteFrom("lead_rate_usage").where("page_id", "=", pageId).execute();
  }

  async prune(beforeBucket: number): Promise<number> {
    const r = await this.#db.deleteFrom("lead_rate_usage").where("bucket", "<", beforeBucket).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

async function usedSince(db: Kysely<Database>, pageId: string, fromBucket: number): Promise<number> {
  const r = await db.selectFrom("lead_rate_usage").select((eb) => eb.fn.sum<number>("calls").as("used"))
    .where("page_id", "=", pageId).where("bucket", ">=", fromBucket).executeTakeFirst();
  return Number(r?.used ?? 0);
}

async function bucketsSince(db: Kysely<Database>, pageId: string, fromBucket: number): Promise<UsageBucket[]> {
  const rows = await db.selectFrom("lead_rate_usage").select(["bucket", "calls"])
    .where("page_id", "=", pageId).where("bucket", ">=", fromBucket).orderBy("bucket").execute();
  return rows.map((r) => ({ bucket: Number(r.bucket), calls: Number(r.calls) }));
}

async function countLeads(db: Kysely<Database>, pageId: string, from: number, to: number): Promise<number> {
  const r = await db.selectFrom("leads").select((eb) => eb.fn.countAll<number>().as("n"))
    .where("page_id", "=", pageId).where("created_time", ">=", from).where("created_time", "<=", to)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
