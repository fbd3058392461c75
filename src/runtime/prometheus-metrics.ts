import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DeliveryOutcome, Metrics, WebhookQueueSnapshot } from "../domain/metrics.ts";
import type { LeadSource } from "../domain/model.ts";
import type { DurableCommitStats, PoolStats } from "../storage/index.ts";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELIVERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus side of the Metrics port. Each runtime owns its Registry (never prom-client's
 * global one), so several runtimes in one process (tests) keep separate counts.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #latency: Histogram<"method" | "route" | "status">;
  readonly #leads: Counter<"source">;
  readonly #refusals: Counter<"limit">;
  readonly #deliveries: Counter<"outcome">;
  readonly #cancelled: Counter;
  readonly #deliveryLatency: Histogram<"outcome">;
  #queueProbe: (() => Promise<WebhookQueueSnapshot>) | undefined;
  #queue: WebhookQueueSnapshot | undefined;
  #queueRefresh: Promise<void> | undefined;
  #processMetrics = false;

  constructor(poolStats: () => PoolStats | undefined, durableCommits: () => DurableCommitStats | undefined = () => undefined) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: "leadgraph_http_requests_total",
      help: "HTTP requests answered, by route and status.",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#latency = new Histogram({
      name: "leadgraph_http_request_duration_seconds",
      help: "Time to answer an HTTP request.",
      labelNames: ["method", "route", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#leads = new Counter({
      name: "leadgraph_leads_created_total",
      help: "Leads written (every way in goes through LeadIntake).",
      labelNames: ["source"],
      registers,
    });
    this.#refusals = new Counter({
      name: "leadgraph_rate_limit_refusals_total",
      help: "Calls refused by a rate limit, by budget.",
      labelNames: ["limit"],
      registers,
    });
    this.#deliveries = new Counter({
      name: "leadgraph_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome.",
      labelNames: ["outcome"],
      registers,
    });
    this.#cancelled = new Counter({
      name: "leadgraph_webhook_deliveries_cancelled_total",
      help: "Webhook deliveries settled unsent because nothing receives them any more (app, subscription or install gone).",
      registers,
    });
    this.#deliveryLatency = new Histogram({
      name: "leadgraph_webhook_delivery_duration_seconds",
      help: "Time a webhook delivery attempt took.",
      labelNames: ["outcome"],
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    // collect() runs with the gauge as `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const metrics = this;
    new Gauge({
      name: "leadgraph_webhook_queue_depth",
      help: "Webhook deliveries waiting, across all instances.",
      registers,
      async collect() {
        await metrics.#refreshQueue();
        if (metrics.#queue) this.set(metrics.#queue.depth);
      },
    });
    new Gauge({
      name: "leadgraph_webhook_queue_oldest_age_seconds",
      help: "Age of the oldest waiting webhook delivery.",
      registers,
      async collect() {
        await metrics.#refreshQueue();
        if (metrics.#queue) this.set(metrics.#queue.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: "leadgraph_db_pool_connections",
      help: "Database pool connections by state (PostgreSQL only).",
      labelNames: ["state"],
      registers,
      collect() {
        const s = poolStats();
        if (!s) return;
        this.set({ state: "total" }, s.total);
        this.set({ state: "idle" }, s.idle);
        this.set({ state: "active" }, s.total - s.idle);
      },
    });
    new Gauge({
      name: "leadgraph_db_pool_waiting_requests",
      help: "Queries waiting for a free pool connection (PostgreSQL only).",
      registers,
      collect() {
        const s = poolStats();
        if (s) this.set(s.waiting);
      },
    });
    // Read from the group commit's own tallies at each scrape; a counter only moves forward.
    const tallyCounter = (name: string, help: string, read: (s: DurableCommitStats) => number) => {
      let tallied = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const s = durableCommits();
          if (s === undefined) return;
          const n = read(s);
          if (n > tallied) this.inc(n - tallied);
          tallied = n;
        },
      });
    };
    tallyCounter(
      "leadgraph_sqlite_durable_commits_total",
      "Fsynced SQLite commits that held durable transactions (SQLite only).",
      (s) => s.commits,
    );
    tallyCounter(
      "leadgraph_sqlite_durable_transactions_total",
      "Durable transactions (each a lead write) committed on SQLite; divided by the commits, leads per fsync.",
      (s) => s.bodies,
    );
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#latency.observe(labels, seconds);
  }

  leadsCreated(count: number, source: LeadSource): void {
    if (count > 0) this.#leads.inc({ source }, count);
  }

  rateLimitRefused(limit: string): void {
    this.#refusals.inc({ limit });
  }

  webhookDelivery(outcome: DeliveryOutcome, durationSeconds: number): void {
    this.#deliveries.inc({ outcome });
    this.#deliveryLatency.observe({ outcome }, durationSeconds);
  }

  webhookDeliveriesCancelled(count: number): void {
    if (count > 0) this.#cancelled.inc(count);
  }

  webhookQueueProbe(probe: () => Promise<WebhookQueueSnapshot>): void {
    this.#queueProbe = probe;
  }

  /**
   * Process metrics (CPU, memory, event loop lag, GC) for a serving process. Not on by default:
   * their observers live as long as the process, which a test making many runtimes does not want.
   */
  enableProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry, prefix: "leadgraph_" });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Both queue gauges are collected concurrently in one scrape; they share one probe call. */
  #refreshQueue(): Promise<void> {
    const probe = this.#queueProbe;
    if (!probe) return Promise.resolve();
    this.#queueRefresh ??= (async () => {
      try {
        this.#queue = await Promise.resolve().then(probe);
      } catch {
        // A failing probe (database away) keeps the last figures; /readyz reports the database.
      } finally {
        this.#queueRefresh = undefined;
      }
    })();
    return this.#queueRefresh;
  }
}
