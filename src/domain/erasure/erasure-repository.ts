/**
 * Erasure: leads removed for good (an admin's request, a person's erasure request, the retention
 * purge), and the audit log that records each one without the personal data it removed.
 */

/** How an erasure came about. */
export type ErasureKind = "lead" | "person" | "retention";
/** Which surface asked: the admin API directly, the console, the CLI, or the retention schedule. */
export type ErasureVia = "api" | "console" | "cli" | "schedule";

/** A lead as the erasure scan reads it: its answers as stored (JSON text), parsed only when needed. */
export interface ScannedLead {
  id: string;
  fieldData: string;
}

/** What one erase call removed. */
export interface ErasedLeads {
  leads: { id: string; formId: string; pageId: string }[];
  /** Outbox rows of these leads not yet fanned out, removed. */
  eventsRemoved: number;
  /** Pending webhook deliveries of these leads, cancelled before their POST. */
  deliveriesCancelled: number;
  /** Webhook deliveries of these leads that had already reached a receiver: not recalled. */
  alreadyDelivered: number;
}

export interface ErasureAuditRecord {
  id: string;
  atMs: number;
  kind: ErasureKind;
  /** For a person: `email`, `phone` or `email,phone` (the identifiers that matched some lead). */
  matchedBy: string | null;
  /** Keyed hashes of the identifiers asked for, never the identifiers themselves. */
  identifierHashes: string[];
  /** Who: `admin key <fingerprint>` or `retention`. */
  actor: string;
  via: ErasureVia;
  /** The operator's own reference (a ticket number), never personal data. */
  reference: string | null;
  leadIds: string[];
  formIds: string[];
  pageIds: string[];
  leadCount: number;
  deliveriesCancelled: number;
  alreadyDelivered: number;
  detail: string | null;
}

export interface ErasureRepository {
  /** Up to `limit` leads with an id above `afterId` (all when null), in id order. */
  scan(afterId: string | null, limit: number): Promise<ScannedLead[]>;
  /** Ids of up to `limit` leads created before `beforeTime` (unix seconds), oldest first. */
  createdBefore(beforeTime: number, limit: number): Promise<string[]>;
  /**
   * Deletes those of the leads that still exist, with their outbox rows, cancels their pending
   * deliveries (`cancelReason` as last_error) and takes them off their forms' counters. Idempotent:
   * a lead another instance deleted first is simply not in the answer. Run it in a transaction.
   */
  erase(ids: readonly string[], atMs: number, cancelReason: string): Promise<ErasedLeads>;
  /** The key the audit log's identifier hashes are made with (random, sealed at rest, shared by instances). */
  identifierKey(): Promise<string>;
  recordAudit(r: ErasureAuditRecord): Promise<void>;
  /** Newest first; `beforeId` pages on. */
  listAudit(q: { beforeId?: string; limit: number }): Promise<ErasureAuditRecord[]>;
  getAudit(id: string): Promise<ErasureAuditRecord | undefined>;
}
