import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../../schema.ts";
import type { DurableTransaction } from "../../durable-transaction.ts";
import { keepPlanFor } from "../../plan-kept.ts";
import { LEAD_COLUMNS } from "../../repositories/lead-columns.ts";
import {
  EVENT_COLUMNS,
  type LeadCommit,
  pushEventValues,
  pushLeadValues,
  transactionalLeadCommit,
} from "../../repositories/lead-writes.ts";

/**
 * The leads of one form, with its counters and outbox rows, as one statement in a transaction of its
 * own: a hosted-form lead or a test lead costs one round trip instead of five (BEGIN, the counters'
 * UPDATE, two INSERTs, COMMIT). The UPDATE runs first and the INSERTs take their rows only if it
 * matched, so a form that is no longer ACTIVE (checked with its row locked, as in the transaction)
 * gets nothing. A statement outside a transaction is committed, and with `synchronous_commit = on`
 * fsynced, before it answers. Several forms, or more than SINGLE_STATEMENT_LEADS leads, go through
 * the transaction.
 */
export function postgresLeadCommit(db: Kysely<Database>, durable: DurableTransaction): LeadCommit {
  const inTransaction = transactionalLeadCommit(durable);
  return async (leads, events, opts) => {
    const formId = leads[0]?.formId;
    if (formId === undefined || leads.length > SINGLE_STATEMENT_LEADS || leads.some((l) => l.formId !== formId)) {
      return inTransaction(leads, events, opts);
    }
    const withEvents = events !== undefined && events.length > 0;
    if (withEvents && events.length !== leads.length) return inTransaction(leads, events, opts);
    const activeOnly = opts.activeFormsOnly === true;
    const params: unknown[] = [leads.length, leads.filter((l) => l.isOrganic).length, formId];
    if (activeOnly) params.push("ACTIVE");
    for (const l of leads) pushLeadValues(params, l);
    if (withEvents) for (const e of events) pushEventValues(params, e);
    const text = statementText(leads.length, withEvents, activeOnly);
    const { rows } = await db.executeQuery<{ forms: number }>(CompiledQuery.raw(text, params));
    return { inactiveForms: Number(rows[0]?.forms ?? 0) === 0 ? [formId] : [] };
  };
}

// The ways in that take one lead at a time (hosted form, test lead, trigger) are the ones a round trip
// weighs on; a batch spends its time in its rows. Each size has its own text, kept for the process's
// life (and by PostgreSQL per connection): a few small sizes keep that bounded.
const SINGLE_STATEMENT_LEADS = 16;

// Parameters reach PostgreSQL untyped, and a VALUES list would read them as text: each is cast to its
// column's type.
const BIGINT = new Set(["created_time", "enqueued_at"]);
const INTEGER = new Set(["is_organic", "is_test", "fanned_out"]);
const typeOf = (column: string) => (BIGINT.has(column) ? "bigint" : INTEGER.has(column) ? "integer" : "text");

const texts = new Map<string, string>();

function statementText(rows: number, withEvents: boolean, activeOnly: boolean): string {
  const key = `${rows}:${withEvents}:${activeOnly}`;
  let text = texts.get(key);
  if (text !== undefined) return text;
  let n = 0;
  const param = (type: string) => `$${++n}::${type}`;
  const values = (columns: readonly string[]) =>
    Array.from({ length: rows }, () => `(${columns.map((c) => param(typeOf(c))).join(", ")})`).join(", ");
  const names = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");
  const counters =
    `update "forms" set "leads_count" = "leads_count" + ${param("bigint")}, ` +
    `"organic_leads_count" = "organic_leads_count" + ${param("bigint")} where "id" = ${param("text")}` +
    (activeOnly ? ` and "status" = ${param("text")}` : "") +
    " returning 1";
  const leadRows = `insert into "leads" (${names(LEAD_COLUMNS)}) select * from (values ${values(LEAD_COLUMNS)}) as v where exists (select from counted)`;
  const eventRows = withEvents
    ? `, outbox as (insert into "lead_events" (${names(EVENT_COLUMNS)}) select * from (values ${values(EVENT_COLUMNS)}) as e where exists (select from counted))`
    : "";
  text = `with counted as (${counters}), written as (${leadRows})${eventRows} select count(*)::integer as forms from counted`;
  texts.set(key, text);
  keepPlanFor(text);
  return text;
}
