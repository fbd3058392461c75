import { type Kysely, sql } from "kysely";
import type { ChargeRequest } from "../../domain/rate-limit/usage-store.ts";
import type { Database } from "../schema.ts";

export interface ChargeRow {
  used: number | string;
}

/** Which limit a charge is checked against: the cached budget's trusted part, or the budget counted in the statement. */
export type ChargeLimit = "trusted" | "exact";

/**
 * The conditional upsert: add the calls to the current bucket only when the page is not forced and
 * the window's usage plus the calls stays within a limit: the cached budget's trusted part, or
 * ("exact") the budget from the page's leads counted in the same statement. The window's usage comes
 * from the running totals: the newest bucket's `cum` minus the total before the window's oldest
 * bucket. A bucket behind the newest one (a manual clock moved back) is left to the slow path.
 *
 * `p(name)` stands for a request field: a bound parameter on SQLite, an argument of the function
 * PostgreSQL runs it in (dialects/postgres/charge-lead-usage.ts; a change here needs a migration
 * that replaces that function, and test/rate-limit-charge-function.test.ts fails until it exists).
 */
export function chargeStatement(db: Kysely<Database>, p: (name: keyof ChargeRequest) => never, limit: ChargeLimit) {
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
