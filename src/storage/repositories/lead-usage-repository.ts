import { type Kysely, PostgresAdapter, sql, type Transaction } from "kysely";
import type { ChargeRequest, LeadUsageStore, PageUsageSummary, UsageBucket } from "../../domain/rate-limit/usage-store.ts";
import { CHARGE_IS_ONE_STEP as pgOneStep, lockPage as pgLockPage } from "../dialects/postgres/charge-lead-usage.ts";
import { CHARGE_IS_ONE_STEP as sqliteOneStep, lockPage as sqliteLockPage } from "../dialects/sqlite/charge-lead-usage.ts";
import type { Database } from "../schema.ts";
import { PreparedQuery } from "../prepared-query.ts";

interface ChargeRow {
  used: number | string;
}

/**
 * The conditional upsert: add the calls to the current bucket only when the page is not forced and
 * the window's usage plus the calls stays within a limit: the cached budget's trusted part, or
 * ("exact") the budget from the page's leads counted in the same statement. The window's usage comes
 * from the running totals: the newest bucket's `cum` minus the total before the window's oldest
 * bucket. A bucket behind the newest one (a manual clock moved back) is left to `#chargeIntoPast`.
 */
function chargeStatement(db: Kysely<Database>, p: (name: keyof ChargeRequest) => never, limit: "trusted" | "exact") {
  const bound =
    limit === "trusted"
      ? sql<number>`${p("trustBudgetUpTo")}`
      : sql<number>`(select ${p("callsPerLead")} * case when count(*) < ${p("minLeads")} then ${p("minLeads")} else count(*) end
        from leads where page_id = ${p("pageId")} and created_time >= ${p("leadsFrom")} and created_time <= ${p("leadsTo")})`;
  // RETURNING's `oldest` may be read before or after the upsert (SQLite re-reads, PostgreSQL does
  // not); both give the same base: an empty window's base is the total before this charge.
  return sql<ChargeRow>`
    with latest as (select bucket, cum from lead_rate_usage where page_id = ${p("pageId")} order by bucket desc limit 1),
      oldest as (select cum - calls as base from lead_rate_usage where page_id = ${p("pageId")} and bucket >= ${p("fromBucket")} order by bucket limit 1),
      w as (select coalesce((select cum from latest), 0) as top,
                   coalesce((select bucket from latest), ${p("bucket")}) as last_bucket,
                   coalesce((select cum from latest) - (select base from oldest), 0) as used)
    insert into lead_rate_usage (page_id, bucket, calls, cum)
    select ${p("pageId")}, cast(${p("bucket")} as bigint), cast(${p("calls")} as bigint), w.top + ${p("calls")} from w
    where w.last_bucket <= ${p("bucket")}
      and not exists (select 1 from lead_rate_pages where page_id = ${p("pageId")} and forced_until > ${p("now")})
      and w.used + ${p("calls")} <= ${bound}
    on conflict (page_id, bucket) do update set calls = lead_rate_usage.calls + excluded.calls, cum = lead_rate_usage.cum + excluded.calls
    returning cum - coalesce((select base from oldest), (select top from w)) as used`.compile(db);
}

const dialects = {
  sqlite: { chargeIsOneStep: sqliteOneStep, lockPage: sqliteLockPage },
  postgres: { chargeIsOneStep: pgOneStep, lockPage: pgLockPage },
};

const charges = {
  trusted: new PreparedQuery<ChargeRequest, ChargeRow>((db, param) => chargeStatement(db, param, "trusted")),
  exact: new PreparedQuery<ChargeRequest, ChargeRow>((db, param) => chargeStatement(db, param, "exact")),
};

type Dialect = (typeof dialects)[keyof typeof dialects];

/**
 * Counters of the lead rate limit: one row per page per minute (its calls and the page's running
 * total), and one row per page for its forced state (and, on PostgreSQL, as the lock that
 * serialises the page's charges).
 */
export class KyselyLeadUsageRepository implements LeadUsageStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: Dialect;
  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#dialect = db.getExecutor().adapter instanceof PostgresAdapter ? dialects.postgres : dialects.sqlite;
  }

  /**
   * Most charges fit the trusted part of the cached budget: one statement that counts no leads.
   * One that does not (near the limit, a forced page, or a clock moved back) is decided again.
   */
  async tryCharge(r: ChargeRequest): Promise<number | undefined> {
    const decide = async (db: Kysely<Database>) => {
      const run = async (limit: keyof typeof charges) => {
        const row = (await charges[limit].execute(db, r)).rows[0];
        return row === undefined ? undefined : Number(row.used);
      };
      return (await run("trusted")) ?? run("exact");
    };
    const used = this.#dialect.chargeIsOneStep ? await decide(this.#db) : await this.#serialised(r.pageId, decide);
    if (used !== undefined) return used;
    return this.#chargeIntoPast(r);
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
