import type { AttemptStats, AttemptStatsQuery } from "./attempt-stats.ts";
import type { WebhookQueueSnapshot } from "../metrics.ts";
import type { LeadEvent } from "../model.ts";

/**
 * `cancelled`: settled without a POST because nothing receives it any more (the app, its page
 * subscription to leadgen, or its install on the page was removed while it waited), or its lead was erased.
 */
export const DELIVERY_STATUSES = ["pending", "delivered", "expired", "dropped", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why a delivery was cancelled (its last_error), as the delivery log shows it. */
export const CANCEL_REASONS = {
  app: "cancelled: the app was deleted",
  subscription: "cancelled: the app no longer subscribes to leadgen for page",
  install: "cancelled: the app is no longer installed on the page for leadgen",
  erased: "cancelled: the lead was erased",
} as const;

/** One lead to deliver to one app. */
export interface DeliveryRecord {
  id: string;
  eventId: string | null;
  appId: string;
  pageId: string;
  formId: string;
  leadId: string;
  adId: string | null;
  leadCreatedTime: number;
  /** `event` from the outbox, `redelivery` asked for through the admin API. */
  kind: "event" | "redelivery";
  redeliveryOf: string | null;
  status: DeliveryStatus;
  attempts: number;
  createdMs: number;
  nextAttemptMs: number;
  firstAttemptMs: number | null;
  lastAttemptMs: number | null;
  lastStatus: number | null;
  lastError: string | null;
  finishedMs: number | null;
}

export type NewDelivery = Pick<
  DeliveryRecord,
  | "id"
  | "eventId"
  | "appId"
  | "pageId"
  | "formId"
  | "leadId"
  | "adId"
  | "leadCreatedTime"
  | "kind"
  | "redeliveryOf"
  | "createdMs"
  | "nextAttemptMs"
>;

/** One HTTP POST (or a POST fault injection swallowed), with the exact bytes and signatures. */
export interface AttemptRecord {
  id: string;
  appId: string;
  pageId: string;
  callbackUrl: string;
  atMs: number;
  /** `delivery` (first or retry), `duplicate` (fault injection), `dropped` (fault injection, nothing sent). */
  kind: "delivery" | "duplicate" | "dropped";
  outcome: "success" | "failure" | "dropped";
  httpStatus: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
  body: string;
  signature256: string;
  signature1: string;
  changeCount: number;
  instance: string;
  deliveryIds: string[];
}

/** What happens to a claimed delivery after an attempt. */
export type DeliveryOutcome =
  | { id: string; status: "delivered" | "expired" | "dropped" | "cancelled"; httpStatus: number | null; error: string | null }
  | { id: string; status: "pending"; nextAttemptMs: number; httpStatus: number | null; error: string | null };

export interface FaultSettings {
  /** Percent of deliveries swallowed as if Meta never sent them. */
  dropPercent: number;
  /** Percent of POSTs sent twice. */
  duplicatePercent: number;
  /** Fixed delay added before the first attempt. */
  delayMs: number;
  /** Random extra delay, uniform in [0, delayJitterMs]. */
  delayJitterMs: number;
  /** Send every change of a batch in its own POST. */
  split: boolean;
  /** Shuffle the changes of a batch (and the order of split POSTs). */
  reorder: boolean;
  /** Put a POST's changes in one `entry` instead of one entry per change. */
  packEntries: boolean;
}

export const NO_FAULTS: FaultSettings = {
  dropPercent: 0,
  duplicatePercent: 0,
  delayMs: 0,
  delayJitterMs: 0,
  split: false,
  reorder: false,
  packEntries: false,
};

export interface AppWebhookSettings {
  appId: string;
  faults: FaultSettings;
  /** Hours of continuous failure after which the subscription is disabled; null = the configured default. */
  autoDisableHours: number | null;
}

export interface DeliveryListQuery {
  appId?: string;
  pageId?: string;
  formId?: string;
  leadId?: string;
  status?: DeliveryStatus;
  fromMs?: number;
  toMs?: number;
  /** Rows with an id below this (newest first). */
  beforeId?: string;
  limit: number;
}

export interface SubscriptionHealth {
  appId: string;
  failingSinceMs: number | null;
  disabledMs: number | null;
  disabledReason: string | null;
}

/** Storage of the webhook outbox, deliveries and their log. */
export interface WebhookRepository {
  /** Attempts per time bucket and outcome with latency percentiles, aggregated by the database. */
  attemptStats(q: AttemptStatsQuery): Promise<AttemptStats>;
  /** Outbox rows not yet fanned out, oldest first; on PostgreSQL locked (skip locked) until the transaction ends. */
  claimLeadEvents(limit: number): Promise<LeadEvent[]>;
  markFannedOut(eventIds: readonly string[]): Promise<void>;
  /** Inserts deliveries, ignoring (event, app) pairs that exist already. */
  insertDeliveries(rows: readonly NewDelivery[]): Promise<void>;
  /**
   * Leases the due deliveries of one (app, page), at most `max`, to `owner` until `leaseUntil`
   * (wall clock). Rows leased by a live owner are skipped; expired leases are taken over.
   */
  claimDue(opts: { nowMs: number; wallMs: number; owner: string; leaseUntil: number; max: number }): Promise<DeliveryRecord[]>;
  /** Earliest next_attempt_ms among pending deliveries of active subscriptions. */
  nextDueMs(): Promise<number | undefined>;
  /** Pending deliveries (all apps) and the age at `nowMs` of the oldest, for the queue gauges. */
  queueSnapshot(nowMs: number): Promise<WebhookQueueSnapshot>;
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  /** Applies outcomes to deliveries still leased by `owner` and releases them. */
  finish(owner: string, atMs: number, outcomes: readonly DeliveryOutcome[]): Promise<void>;
  release(owner: string, ids: readonly string[]): Promise<void>;
  /**
   * Moves the lease of `ids` still held by `owner` to `leaseUntil` (wall clock). Returns how many of
   * them another owner holds now (they were taken over after the lease ran out).
   */
  renewLease(owner: string, ids: readonly string[], leaseUntil: number): Promise<number>;
  /**
   * Settles as `cancelled` (with the reason in last_error) every pending, unleased delivery whose
   * app, page subscription to leadgen, or leadgen install on its page no longer exists. A disabled
   * subscription still exists: its deliveries wait for it to be re-enabled. Returns rows settled.
   */
  cancelUnreceivable(atMs: number, wallMs: number): Promise<number>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  list(q: DeliveryListQuery): Promise<DeliveryRecord[]>;
  attemptsOf(deliveryId: string): Promise<AttemptRecord[]>;
  settings(appId: string): Promise<AppWebhookSettings>;
  saveSettings(s: AppWebhookSettings): Promise<void>;
  health(appId: string): Promise<SubscriptionHealth | undefined>;
  /** Marks the subscription failing (from `atMs`, kept if already failing) or healthy again. */
  setFailing(appId: string, failing: boolean, atMs: number): Promise<void>;
  disable(appId: string, atMs: number, reason: string): Promise<void>;
  listDisabled(): Promise<SubscriptionHealth[]>;
  /** Deletes finished deliveries and attempts older than `beforeMs`; returns rows deleted. */
  prune(beforeMs: number): Promise<number>;
}
