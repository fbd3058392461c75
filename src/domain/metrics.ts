import type { LeadSource } from "./model.ts";

/**
 * What the product counts for operators. The domain and the other layers call this port; the
 * Prometheus implementation lives in src/ops (the domain never imports prom-client). The metric
 * names behind each method are listed in docs/deploy.md.
 */
export interface Metrics {
  /** `leadgraph_leads_created_total{source}`: called by LeadIntake once its transaction committed. */
  leadsCreated(count: number, source: LeadSource): void;
  /**
   * `leadgraph_rate_limit_refusals_total{limit}`: a call refused by a rate limit. `limit` names the
   * budget (`lead_read` for the 80005 leadgen budget).
   */
  rateLimitRefused(limit: string): void;
  /**
   * `leadgraph_webhook_deliveries_total{outcome}` and `leadgraph_webhook_delivery_duration_seconds{outcome}`:
   * one delivery attempt (a POST to a receiver, or a claimed delivery released at shutdown).
   */
  webhookDelivery(outcome: DeliveryOutcome, durationSeconds: number): void;
  /** `leadgraph_webhook_deliveries_cancelled_total`: deliveries settled unsent because nothing receives them any more. */
  webhookDeliveriesCancelled(count: number): void;
  /**
   * `leadgraph_webhook_queue_depth` and `leadgraph_webhook_queue_oldest_age_seconds`: the probe is
   * called at every scrape, so the figures are fresh even while the dispatcher sleeps.
   */
  webhookQueueProbe(probe: () => Promise<WebhookQueueSnapshot>): void;
}

export const DELIVERY_OUTCOMES = [
  /** The receiver answered 2xx. */
  "delivered",
  /** Failed (timeout, connection error, 5xx); another attempt is scheduled. */
  "retry",
  /** Failed for good (4xx, or attempts exhausted). */
  "failed",
  /** Claimed but handed back unattempted (graceful shutdown) for another instance to take. */
  "released",
  /** Not sent on purpose: the app's fault injection dropped it ("as if Meta never sent it"). */
  "dropped",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface WebhookQueueSnapshot {
  /** Deliveries waiting (due or scheduled for retry), across all instances. */
  depth: number;
  /** Age of the oldest waiting delivery; 0 when the queue is empty. */
  oldestAgeSeconds: number;
}

/** Counts nothing: for code paths built without a runtime (unit tests, one-off scripts). */
export const noMetrics: Metrics = {
  leadsCreated() {},
  rateLimitRefused() {},
  webhookDelivery() {},
  webhookDeliveriesCancelled() {},
  webhookQueueProbe() {},
};
