import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { ChargeRequest, LeadUsageStore, PageUsageSummary, UsageBucket } from "../../domain/rate-limit/usage-store.ts";
import { serialiseCharge as pgSerialise, usedAfterCharge as pgUsedAfter } from "../dialects/postgres/charge-lead-usage.ts";
import { serialiseCharge as sqliteSerialise, usedAfterCharge as sqliteUsedAfter } from "../dialects/sqlite/charge-lead-usage.ts";
import type { Database } from "../schema.ts";
import { PreparedQuery } from "../prepared-query.ts";

interface ChargeRow {
  used: number | string;
}

/**
 * The conditional upsert: add the calls only when the page is not forced and the window's usage
 * plus the calls stays within a limit: the cached budget's trusted part, or ("exact") the budget
 * from the page's leads counted in the same statement.
 */
function chargeStatement(db: Kysely<Database>, dialect: Dialect, p: (name: keyof ChargeRequest & string) => never, limit: "trusted" | "exact") {
  const bound = limit === "trusted"
    ? sql<number>`${p("trustBudgetUpTo")}`
    : sql<number>`(select ${p("callsPerLead")} * case when count(*) < ${p("minLeads")} then ${p("minLeads")} else count(*) end
        from leads where page_id = ${p("pageId")} and created_time >= ${p("leadsFrom")} and created_time <= ${p("leadsTo")})`;
  return sql<ChargeRow>`
    with w as (select coalesce(sum(calls), 0) as used from lead_rate_usage where page_id = ${p("pageId")} and bucket >= ${p("fromBucket")})
    insert into lead_rate_usage (page_id, bucket, calls)
    select ${p("pageId")}, cast(${p("bucket")} as bigint), cast(${p("calls")} as bigint) from w
    where not exists (select 1 from lead_rate_pages where page_id = ${p("pageId")} and forced_until > ${p("now")})
      and w.used + ${p("calls")} <= ${bound}
    on conflict (page_id, bucket) do update set calls = lead_rate_usage.calls + excluded.calls
    returning ${dialect.usedAfterCharge(p("pageId"), p("fromBucket"), p("calls"))} as used`.compile(db);
}

type Dialect = (typeof dialects)[keyof typeof dialects];

const dialects = {
  sqlite: { serialiseCharge: sqliteSerialise, usedAfterCharge: sqliteUsedAfter },
  postgres: { serialiseCharge: pgSerialise, usedAfterCharge: pgUsedAfter },
};

/**
 * Counters of the lead rate limit: one row per page per minute, and one row per page for its
 * forced state (and, on PostgreSQL, as the lock that serialises the page's charges).
 */
export class KyselyLeadUsageRepository implements LeadUsageStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: Dialect;
  readonly #charge: Record<"trusted" | "exact", PreparedQuery<ChargeRequest, ChargeRow>>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#dialect = db.getExecutor().adapter instanceof PostgresAdapter ? dialects.postgres : dialects.sqlite;
    this.#charge = {
      trusted: new PreparedQuery(db, (param) => chargeStatement(db, this.#dialect, param, "trusted")),
      exact: new PreparedQuery(db, (param) => chargeStatement(db, this.#dialect, param, "exact")),
    };
  }

  /**
   * Most charges fit the trusted part of the cached budget: one statement that counts no leads.
   * One that does not (near the limit, or a forced page) is decided again on the exact budget.
   */
  tryCharge(r: ChargeRequest): Promise<number | undefined> {
    return this.#dialect.serialiseCharge(this.#db, r.pageId, async (db) => {
      const run = async (limit: "trusted" | "exact") => {
        const res = db === this.#db
          ? await this.#charge[limit].execute(r)
          : await db.executeQuery(chargeStatement(db, this.#dialect, (k) => r[k] as never, limit));
        const row = res.rows[0];
        return row === undefined ? undefined : Number(row.used);
      };
      return (await run("trusted")) ?? run("exact");
    });
  }

  async add(pageId: string, bucket: number, calls: number): Promise<void> {
    await this.#db.insertInto("lead_rate_usage").values({ page_id: pageId, bucket, calls })
      .onConflict((oc) => oc.columns(["page_id", "bucket"]).doUpdateSet({ calls: sql`lead_rate_usage.calls + excluded.calls` }))
      .execute();
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
