import { type Kysely, sql, type Transaction } from "kysely";
import type { ChargeRequest } from "../../../domain/rate-limit/usage-store.ts";
import { PreparedQuery } from "../../prepared-query.ts";
import { chargeStatement } from "../../repositories/lead-usage-charge.ts";
import type { Database } from "../../schema.ts";

/** The function one charge runs in (created by migration 0015-charge-function). */
export const CHARGE_FUNCTION = "leadgraph_charge_lead_usage";

/** Its arguments, in order: every field of a charge request, each as `p_<name>`. */
const ARGS: [keyof ChargeRequest, "text" | "bigint"][] = [
  ["pageId", "text"],
  ["bucket", "bigint"],
  ["fromBucket", "bigint"],
  ["calls", "bigint"],
  ["now", "bigint"],
  ["trustBudgetUpTo", "bigint"],
  ["callsPerLead", "bigint"],
  ["minLeads", "bigint"],
  ["leadsFrom", "bigint"],
  ["leadsTo", "bigint"],
];
const argName = (name: string) => `p_${name.toLowerCase()}`;

/**
 * Under READ COMMITTED two concurrent statements would both see the old window, so charges of one
 * page are serialised by the page's row lock. Taken by the client around the statement, the lock
 * would be held over three round trips (and as long as the holder's event loop takes to send the
 * next one), and every other charge of the page would queue behind it. Inside a function the lock,
 * the trusted charge and (when that refuses) the exact one are one round trip, and the lock is
 * held only while PostgreSQL runs them: each statement in a plpgsql function sees the rows committed
 * before it started, so the charge reads the window as the previous lock holder left it.
 */
export function chargeFunctionDdl(db: Kysely<Database>): string {
  const raw = (name: keyof ChargeRequest) => sql.raw(argName(name)) as never;
  const statement = (limit: "trusted" | "exact") => {
    const c = chargeStatement(db, raw, limit);
    if (c.parameters.length > 0) throw new Error("the charge statement binds a value the function cannot pass");
    return c.sql.trim();
  };
  return `create or replace function ${CHARGE_FUNCTION}(${ARGS.map(([n, t]) => `${argName(n)} ${t}`).join(", ")})
  returns bigint language plpgsql volatile as $charge$
declare charged bigint;
begin
  insert into lead_rate_pages (page_id, forced_until) values (p_pageid, null)
    on conflict (page_id) do update set page_id = excluded.page_id;
  ${statement("trusted")} into charged;
  if charged is null then
    ${statement("exact")} into charged;
  end if;
  return charged;
end $charge$`;
}

const callCharge = new PreparedQuery<ChargeRequest, { used: string | number | null }>((db, p) =>
  sql<{ used: string | number | null }>`select ${sql.raw(CHARGE_FUNCTION)}(${sql.join(ARGS.map(([n]) => p(n)))}) as used`.compile(db),
);

/** One charge in one round trip: the window's usage including the calls, or undefined when refused. */
export async function charge(db: Kysely<Database>, r: ChargeRequest): Promise<number | undefined> {
  const row = (await callCharge.execute(db, r)).rows[0];
  return row?.used == null ? undefined : Number(row.used);
}

/** Takes the page's row lock (upserting its `lead_rate_pages` row) until the transaction ends. */
export async function lockPage(trx: Transaction<Database>, pageId: string): Promise<void> {
  await trx
    .insertInto("lead_rate_pages")
    .values({ page_id: pageId, forced_until: null })
    .onConflict((oc) => oc.column("page_id").doUpdateSet({ page_id: (eb) => eb.ref("excluded.page_id") }))
    .execute();
}
