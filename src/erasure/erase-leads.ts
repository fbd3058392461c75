import { createHmac } from "node:crypto";
import type { ErasureAuditRecord, ErasureKind, ErasureVia } from "../domain/erasure/erasure-repository.ts";
import type { FieldDatum } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import { CANCEL_REASONS } from "../domain/webhooks/webhook-repository.ts";
import { type PersonQuery, PersonMatcher } from "./person-match.ts";

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
const SCAN_BATCH = 1000;

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
    id: services.ids.next(), atMs: clock.nowMs(), ...facts, actor: who.actor, via: who.via, reference: who.reference,
    leadIds: [], formIds: [], pageIds: [], leadCount: 0, deliveriesCancelled: 0, alreadyDelivered: 0,
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
      if (last && (audit.leadCount > 0 || facts.kind !== "retention")) await tx.erasure.recordAudit({ ...audit, formIds: [...forms].sort(), pageIds: [...pages].sort() });
    });
  } while (at < ids.length);
  return { ...audit, formIds: [...forms].sort(), pageIds: [...pages].sort() };
}

/** Erases one lead; undefined when there is no such lead. */
export async function eraseLead(services: Services, id: string, who: ErasureRequester): Promise<ErasureAuditRecord | undefined> {
  if (!(await services.store.leads.get(id))) return undefined;
  return eraseIds(services, [id], who, { kind: "lead", matchedBy: null, identifierHashes: [], detail: null });
}

export interface PersonMatches {
  matcher: PersonMatcher;
  leadIds: string[];
  /** The identifiers that matched at least one lead. */
  matchedBy: ("email" | "phone")[];
}

/** Every lead whose answers name the person, across all forms and pages (a scan of every lead, in id order). */
export async function findPerson(services: Services, q: PersonQuery): Promise<PersonMatches> {
  const matcher = new PersonMatcher(q);
  const leadIds: string[] = [];
  const matched = new Set<"email" | "phone">();
  let after: string | null = null;
  for (;;) {
    const rows = await services.store.erasure.scan(after, SCAN_BATCH);
    for (const r of rows) {
      let fields: FieldDatum[];
      try {
        fields = JSON.parse(r.fieldData) as FieldDatum[];
      } catch {
        continue;
      }
      const m = Array.isArray(fields) ? matcher.matches(fields) : [];
      if (m.length === 0) continue;
      leadIds.push(r.id);
      for (const k of m) matched.add(k);
    }
    if (rows.length < SCAN_BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  return { matcher, leadIds, matchedBy: (["email", "phone"] as const).filter((k) => matched.has(k)) };
}

/**
 * Keyed hashes of the identifiers asked for: the audit log can answer "was this address erased?"
 * for someone who has the key and the address, and names nobody to someone who has neither.
 */
async function identifierHashes(services: Services, m: PersonMatcher): Promise<string[]> {
  const key = await services.store.erasure.identifierKey();
  const hash = (kind: string, v: string) => `${kind}:hmac-sha256:${createHmac("sha256", key).update(`${kind}:${v}`).digest("hex")}`;
  return [...(m.email !== undefined ? [hash("email", m.email)] : []), ...(m.phone !== undefined ? [hash("phone", m.phone)] : [])];
}

/** Erases every lead naming the person; the audit record is written even when nothing matched. */
export async function erasePerson(services: Services, q: PersonQuery, who: ErasureRequester): Promise<ErasureAuditRecord> {
  const found = await findPerson(services, q);
  return eraseIds(services, found.leadIds, who, {
    kind: "person", matchedBy: found.matchedBy.length > 0 ? found.matchedBy.join(",") : null,
    identifierHashes: await identifierHashes(services, found.matcher), detail: null,
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
