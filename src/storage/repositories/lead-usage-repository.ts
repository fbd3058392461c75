import { type Kysely, PostgresAdapter, sql, type Transaction } from "kysely";
import type { ChargeRequest, LeadUsageStore, PageUsageSummary, UsageBucket } from "../../domain/rate-limit/usage-store.ts";
import { charge as pgCharge, lockPage as pgLockPage } from "../dialects/postgres/charge-lead-usage.ts";
import { charge as sqliteCharge, lockPage as sqliteLockPage } from "../dialects/sqlite/charge-lead-usage.ts";
import type { Database } from "../schema.ts";

const dialects = {
  sqlite: { charge: sqliteCharge, lockPage: sqliteLockPage },
  postgres: { charge: pgCharge, lockPage: pgLockPage },
};

type Dialect = (typeof dialects)[keyof typeof dialects];

/**
 * Counters of the lead rate limit: one row per page per minute (its calls and the page's running
 * total), and one row per page for its forced state and as the lock that serialises the page's
 * slow-path changes (on PostgreSQL its charges too, inside the charge function).
 */
export class KyselyLeadUsageRepository implements LeadUsageStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: Dialect;
  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#dialect = db.getExecutor().adapter instanceof PostgresAdapter ? dialects.postgres : dialects.sqlite;
  }

  /**
   * One atomic step in the dialect (see its charge-lead-usage.ts); a charge it refuses because its
   * bucket is behind the page's newest (a manual clock moved back), or a plain refusal, is decided
   * again on the slow path.
   */
  async tryCharge(r: ChargeRequest): Promise<number | undefined> {
    return (await this.#dialect.charge(this.#db, r)) ?? this.#chargeIntoPast(r);
  }

  /**
   * A charge whose bucket is behind the page's newest one (a manual clock moved back): decided on
   * a scan of the window under the page's lock, and written with the running totals of the newer
   * buckets moved along. Rare, so it may be slow; a plain refusal lands here too and is confirmed.
   */
  #chargeIntoPast(r: ChargeRequest): Promise<number | undefined> {
    return this.#serialised(r.pageId, async (trx) => {
      const latest = await trx
        .selectFrom("lead_rate_usage")
        .select("bucket")
        .where("page_id", "=", r.pageId)
        .orderBy("bucket", "desc")
        .limit(1)
        .executeTakeFirst();
      if (latest === undefined || Number(latest.bucket) <= r.bucket) return undefined;
      const used = (await bucketsSince(trx, r.pageId, r.fromBucket)).reduce((n, b) => n + b.calls, 0);
      const forced = await trx.selectFrom("lead_rate_pages").select("forced_until").where("page_id", "=", r.pageId).executeTakeFirst();
      if (forced?.forced_until != null && Number(forced.forced_until) > r.now) return undefined;
      const leads = await countLeads(trx, r.pageId, r.leadsFrom, r.leadsTo);
      if (used + r.calls > r.callsPerLead * Math.max(leads, r.minLeads)) return undefined;
      await addAt(trx, r.pageId, r.bucket, r.calls);
      return used + r.calls;
    });
  }

  refund(pageId: string, bucket: number, calls: number): Promise<void> {
    return this.#serialised(pageId, async (trx) => {
      const row = await trx
        .selectFrom("lead_rate_usage")
        .select("calls")
        .where("page_id", "=", pageId)
        .where("bucket", "=", bucket)
        .executeTakeFirst();
      const n = Math.min(calls, Number(row?.calls ?? 0));
      if (n > 0) await addAt(trx, pageId, bucket, -n);
    });
  }

  add(pageId: string, bucket: number, calls: number): Promise<void> {
    return this.#serialised(pageId, (trx) => addAt(trx, pageId, bucket, calls));
  }

  #serialised<T>(pageId: string, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await this.#dialect.lockPage(trx, pageId);
      return fn(trx);
    });
  }

  async summaries(fromBucket: number): Promise<PageUsageSummary[]> {
    const used = await this.#db
      .selectFrom("lead_rate_usage")
      .select(["page_id", (eb) => eb.fn.sum<number>("calls").as("used")])
      .where("bucket", ">=", fromBucket)
      .groupBy("page_id")
      .execute();
    const forced = await this.#db
      .selectFrom("lead_rate_pages")
      .select(["page_id", "forced_until"])
      .where("forced_until", "is not", null)
      .execute();
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
    await this.#db
      .insertInto("lead_rate_pages")
      .values({ page_id: pageId, forced_until: until })
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

/** Adds calls to any bucket, keeping every running total of the page right (newer buckets move too). */
async function addAt(trx: Transaction<Database>, pageId: string, bucket: number, calls: number): Promise<void> {
  const before = await trx
    .selectFrom("lead_rate_usage")
    .select("cum")
    .where("page_id", "=", pageId)
    .where("bucket", "<", bucket)
    .orderBy("bucket", "desc")
    .limit(1)
    .executeTakeFirst();
  await trx
    .insertInto("lead_rate_usage")
    .values({ page_id: pageId, bucket, calls, cum: Number(before?.cum ?? 0) + calls })
    .onConflict((oc) =>
      oc.columns(["page_id", "bucket"]).doUpdateSet({
        calls: sql`lead_rate_usage.calls + excluded.calls`,
        cum: sql`lead_rate_usage.cum + excluded.calls`,
      }),
    )
    .execute();
  await trx
    .updateTable("lead_rate_usage")
    .set({ cum: sql`cum + ${calls}` })
    .where("page_id", "=", pageId)
    .where("bucket", ">", bucket)
    .execute();
}

async function bucketsSince(db: Kysely<Database>, pageId: string, fromBucket: number): Promise<UsageBucket[]> {
  const rows = await db
    .selectFrom("lead_rate_usage")
    .select(["bucket", "calls"])
    .where("page_id", "=", pageId)
    .where("bucket", ">=", fromBucket)
    .orderBy("bucket")
    .execute();
  return rows.map((r) => ({ bucket: Number(r.bucket), calls: Number(r.calls) }));
}

async function countLeads(db: Kysely<Database>, pageId: string, from: number, to: number): Promise<number> {
  const r = await db
    .selectFrom("leads")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("page_id", "=", pageId)
    .where("created_time", ">=", from)
    .where("created_time", "<=", to)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
