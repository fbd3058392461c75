import { randomBytes } from "node:crypto";
import { findPersonLeads, identifierHashes, type PersonQuery } from "../erasure/person-match.ts";
import type { SyncStore } from "./storage/sync-store.ts";
import type { SyncErasureAudit } from "./storage/sync-erasure-store.ts";

/** What the sync service answers after an erasure: the copies other systems hold are theirs to erase. */
export const SYNC_NOT_RECALLED =
  "Leads already forwarded (--forward-url), read through this API or exported are not recalled, and the leadgraph or Meta server they came from still holds them: erase them there too. Backups keep erased leads until they expire.";

export interface SyncErasureRequest {
  via: "api" | "cli";
  reference: string | null;
}

/** Time-ordered audit ids: the log lists newest first by id. */
const auditId = (atMs: number) => `${String(atMs).padStart(15, "0")}-${randomBytes(4).toString("hex")}`;

export function renderSyncErasure(a: SyncErasureAudit) {
  return {
    id: a.id,
    time: new Date(Number(a.at_ms)).toISOString(),
    kind: a.kind,
    matched_by: a.matched_by,
    identifier_hashes: JSON.parse(a.identifier_hashes) as string[],
    via: a.via,
    reference: a.reference,
    leads_erased: Number(a.lead_count),
    lead_ids: JSON.parse(a.lead_ids) as string[],
  };
}

/** Erases one stored lead (and keeps it from being stored again); undefined when it is not stored. */
export async function eraseSyncLead(store: SyncStore, id: string, who: SyncErasureRequest) {
  if (!(await store.getLead(id))) return undefined;
  const atMs = Date.now();
  const audit = {
    id: auditId(atMs),
    at_ms: atMs,
    kind: "lead",
    matched_by: null,
    identifier_hashes: "[]",
    via: who.via,
    reference: who.reference,
  };
  const erased = await store.erasure.erase([id], audit);
  return renderSyncErasure({ ...audit, lead_ids: JSON.stringify(erased), lead_count: erased.length });
}

/** Every stored lead whose answers name the person (the same rule as the server's erasure). */
export const findSyncPerson = (store: SyncStore, q: PersonQuery) =>
  findPersonLeads(q, async (after, limit) => (await store.erasure.scan(after, limit)).map((r) => ({ id: r.id, fieldData: r.field_data })));

/** Erases every stored lead naming the person; the audit record is written even when none matched. */
export async function eraseSyncPerson(store: SyncStore, q: PersonQuery, who: SyncErasureRequest) {
  const found = await findSyncPerson(store, q);
  const hashes = identifierHashes(found.matcher, await store.erasure.identifierKey());
  const atMs = Date.now();
  const audit = {
    id: auditId(atMs),
    at_ms: atMs,
    kind: "person",
    matched_by: found.matchedBy.join(",") || null,
    identifier_hashes: JSON.stringify(hashes),
    via: who.via,
    reference: who.reference,
  };
  const erased = await store.erasure.erase(found.leadIds, audit);
  return renderSyncErasure({ ...audit, lead_ids: JSON.stringify(erased), lead_count: erased.length });
}
