import type { ErasureAuditRecord, ErasureKind, ErasureVia } from "../domain/erasure/erasure-repository.ts";
import type { Services } from "../domain/services.ts";
import { CANCEL_REASONS } from "../domain/webhooks/webhook-repository.ts";
import { findPersonLeads, identifierHashes, type PersonMatches, type PersonQuery } from "./person-match.ts";

/** Who asked for an erasure, as the audit log records it. */
export interface ErasureRequester {
  /** `admin key <fingerprint>`, or `retention` for the schedule. */
  actor: string;
  via: ErasureVia;
  /** The operator's own reference (a ticket number); never personal data. */
  reference: string | null;
}

/** Leads erased per transaction: a bounded write, so no erasure holds its locks for long. */
export const ERASE_BATCH = 500;

interface AuditFacts {
  kind: ErasureKind;
  matchedBy: string | null;
  identifierHashes: string[];
  detail: string | null;
}

/**
 * Erases the leads (those that still exist) in batches of ERASE_BATCH, each in its own durable
 * transaction (an erasure answered to a person must survive a power loss, like the lead did); the
 * audit record is written in the last batch's transaction, with the totals of all of them.
 */
async function eraseIds(services: Services, ids: readonly string[], who: ErasureRequester, facts: AuditFacts): Promise<ErasureAuditRecord> {
  const { store, clock } = services;
  const audit: ErasureAuditRecord = {
    id: services.ids.next(),
    atMs: clock.nowMs(),
    ...facts,
    actor: who.actor,
    via: who.via,
    reference: who.reference,
    leadIds: [],
    formIds: [],
    pageIds: [],
    leadCount: 0,
    deliveriesCancelled: 0,
    alreadyDelivered: 0,
  };
  const forms = new Set<string>();
  const pages = new Set<string>();
  let at = 0;
  do {
    const chunk = ids.slice(at, at + ERASE_BATCH);
    at += ERASE_BATCH;
    const last = at >= ids.length;
    await store.durableTransaction(async (tx) => {
      const erased = await tx.erasure.erase(chunk, audit.atMs, CANCEL_REASONS.erased);
      for (const l of erased.leads) {
        audit.leadIds.push(l.id);
        forms.add(l.formId);
        pages.add(l.pageId);
      }
      audit.leadCount += erased.leads.length;
      audit.deliveriesCancelled += erased.deliveriesCancelled;
      audit.alreadyDelivered += erased.alreadyDelivered;
      // A purge batch another instance erased first has nothing to record; a person's request always has.
      if (last && (audit.leadCount > 0 || facts.kind !== "retention"))
        await tx.erasure.recordAudit({ ...audit, formIds: [...forms].sort(), pageIds: [...pages].sort() });
    });
  } while (at < ids.length);
  return { ...audit, formIds: [...forms].sort(), pageIds: [...pages].sort() };
}

/** Erases one lead; undefined when there is no such lead. */
export async function eraseLead(services: Services, id: string, who: ErasureRequester): Promise<ErasureAuditRecord | undefined> {
  if (!(await services.store.leads.get(id))) return undefined;
  return eraseIds(services, [id], who, { kind: "lead", matchedBy: null, identifierHashes: [], detail: null });
}

/** Every lead whose answers name the person, across all forms and pages. */
export const findPerson = (services: Services, q: PersonQuery): Promise<PersonMatches> =>
  findPersonLeads(q, (after, limit) => services.store.erasure.scan(after, limit));

/** Erases every lead naming the person; the audit record is written even when nothing matched. */
export async function erasePerson(services: Services, q: PersonQuery, who: ErasureRequester): Promise<ErasureAuditRecord> {
  const found = await findPerson(services, q);
  return eraseIds(services, found.leadIds, who, {
    kind: "person",
    matchedBy: found.matchedBy.length > 0 ? found.matchedBy.join(",") : null,
    identifierHashes: identifierHashes(found.matcher, await services.store.erasure.identifierKey()),
    detail: null,
  });
}

/** A run's upper bound on batches; the next run carries on, so one run never occupies the database for long. */
const MAX_PURGE_BATCHES = 200;

/**
 * The retention purge: leads created more than `retentionDays` before the clock's now are erased
 * in batches, one audit record per batch. Safe on several instances at once: a lead another
 * instance erased first is skipped (erase is idempotent), so each lead is counted and audited once.
 */
export async function purgeExpiredLeads(services: Services, retentionDays: number): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = Math.floor(services.clock.nowMs() / 1000) - retentionDays * 86_400;
  const who: ErasureRequester = { actor: "retention", via: "schedule", reference: null };
  const detail = `created before ${new Date(cutoff * 1000).toISOString()} (lead retention ${retentionDays} days)`;
  let total = 0;
  for (let i = 0; i < MAX_PURGE_BATCHES; i++) {
    const ids = await services.store.erasure.createdBefore(cutoff, ERASE_BATCH);
    if (ids.length === 0) break;
    const audit = await eraseIds(services, ids, who, { kind: "retention", matchedBy: null, identifierHashes: [], detail });
    total += audit.leadCount;
    if (ids.length < ERASE_BATCH) break;
  }
  return total;
}
