import { type Kysely, sql } from "kysely";
import type { LeadEvent, LeadRecord } from "../../domain/model.ts";
import type { Database, LeadEventsTable } from "../schema.ts";
import type { DurableTransaction } from "../durable-transaction.ts";
import { LEAD_COLUMNS } from "./lead-columns.ts";
import { executeShaped } from "../prepared-query.ts";

/** A lead's values in LEAD_COLUMNS order: what its insert binds, without a row object per lead. */
export const pushLeadValues = (out: unknown[], l: LeadRecord): void => {
  out.push(
    l.id,
    l.formId,
    l.pageId,
    l.adId,
    l.adsetId,
    l.campaignId,
    l.accountId,
    l.createdTime,
    l.platform,
    l.isOrganic ? 1 : 0,
    l.isTest ? 1 : 0,
    JSON.stringify(l.fieldData),
    JSON.stringify(l.disclaimerResponses),
    l.partnerName,
    l.retailerItemId,
    l.createdByAppId,
    l.createdByUserId,
    l.submitterUserId,
    l.source,
    l.externalId,
  );
};

export const EVENT_COLUMNS = [
  "id",
  "lead_id",
  "page_id",
  "form_id",
  "ad_id",
  "created_time",
  "enqueued_at",
  "fanned_out",
] as const satisfies readonly (keyof LeadEventsTable)[];

export const pushEventValues = (out: unknown[], e: LeadEvent): void => {
  out.push(e.id, e.leadId, e.pageId, e.formId, e.adId, e.createdTime, e.enqueuedAt, 0);
};

// SQLite caps bound parameters per statement; 20 columns x 400 rows stays well inside it.
const INSERT_CHUNK = 400;

/** The row counts of the inserts for `n` rows: full chunks, then the remainder. */
function chunkSizes(n: number): number[] {
  const sizes: number[] = [];
  for (; n >= INSERT_CHUNK; n -= INSERT_CHUNK) sizes.push(INSERT_CHUNK);
  if (n > 0) sizes.push(n);
  return sizes;
}

/** Inserts `items` in statements of chunkSizes(): parameters from `push`, the statement built (once per size) from `columns`. */
async function insertChunked<T>(
  db: Kysely<Database>,
  table: "leads" | "lead_events",
  columns: readonly string[],
  items: readonly T[],
  push: (out: unknown[], item: T) => void,
): Promise<void> {
  let at = 0;
  for (const size of chunkSizes(items.length)) {
    const params: unknown[] = [];
    for (let i = at; i < at + size; i++) push(params, items[i]!);
    const build = () =>
      db
        .insertInto(table)
        .values(
          Array.from({ length: size }, (_, r) => Object.fromEntries(columns.map((c, k) => [c, params[r * columns.length + k]])) as never),
        );
    await executeShaped(db, `${table}:${size}`, params, build);
    at += size;
  }
}

/**
 * LeadRepository.insert: the form counters first, so that the same UPDATE that bumps them checks, in
 * the transaction and with the row locked, that the form still takes leads; then the lead rows and the
 * outbox rows. One statement per form and per chunk of rows: a single lead is three statements.
 */
export async function insertLeads(
  db: Kysely<Database>,
  leads: readonly LeadRecord[],
  events: readonly LeadEvent[] | undefined,
  opts: { activeFormsOnly?: boolean },
): Promise<{ inactiveForms: string[] }> {
  const perForm = new Map<string, { all: number; organic: number }>();
  for (const l of leads) {
    const c = perForm.get(l.formId) ?? { all: 0, organic: 0 };
    c.all++;
    if (l.isOrganic) c.organic++;
    perForm.set(l.formId, c);
  }
  const inactiveForms: string[] = [];
  for (const [formId, c] of perForm) {
    const params = opts.activeFormsOnly ? [c.all, c.organic, formId, "ACTIVE"] : [c.all, c.organic, formId];
    const result = await executeShaped(db, `forms-counters:${params.length}`, params, () => {
      const update = db
        .updateTable("forms")
        .set({ leads_count: sql`leads_count + ${c.all}`, organic_leads_count: sql`organic_leads_count + ${c.organic}` })
        .where("id", "=", formId);
      return opts.activeFormsOnly ? update.where("status", "=", "ACTIVE") : update;
    });
    if (Number(result.numAffectedRows ?? 0) === 0) inactiveForms.push(formId);
  }
  if (inactiveForms.length > 0) return { inactiveForms };
  await insertChunked(db, "leads", LEAD_COLUMNS, leads, pushLeadValues);
  if (events) await insertChunked(db, "lead_events", EVENT_COLUMNS, events, pushEventValues);
  return { inactiveForms };
}

/** Leads, their counters and outbox rows written as one durable unit of their own (LeadRepository.insert outside a transaction). */
export type LeadCommit = (
  leads: readonly LeadRecord[],
  events: readonly LeadEvent[] | undefined,
  opts: { activeFormsOnly?: boolean },
) => Promise<{ inactiveForms: string[] }>;

/** Thrown inside the transaction so that an inactive form rolls back the counters already bumped. */
class InactiveForms extends Error {
  constructor(readonly forms: string[]) {
    super("inactive forms");
  }
}

/** insertLeads in a durable transaction of its own; an inactive form rolls it back. */
export function transactionalLeadCommit(durable: DurableTransaction): LeadCommit {
  return async (leads, events, opts) => {
    try {
      return await durable(async (trx) => {
        const result = await insertLeads(trx, leads, events, opts);
        if (result.inactiveForms.length > 0) throw new InactiveForms(result.inactiveForms);
        return result;
      });
    } catch (e) {
      if (e instanceof InactiveForms) return { inactiveForms: e.forms };
      throw e;
    }
  };
}
