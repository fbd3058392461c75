import { type WebhookStats, type WebhookStatsCounts, webhookStats } from "../api.ts";
import { Async, useAsync } from "./async.tsx";
import { Chart } from "./chart.tsx";
import { count } from "./format.ts";

const MINUTES = 60;
const OUTCOMES: { label: string; stroke: string; key: "delivered" | "failed" | "dropped" }[] = [
  { label: "Delivered (2xx)", stroke: "#1a7f37", key: "delivered" },
  { label: "Failed (non-2xx, timeout, refused)", stroke: "#cf222e", key: "failed" },
  { label: "Dropped (fault injection)", stroke: "#6e7781", key: "dropped" },
];
const PERCENTILES: { label: string; stroke: string; key: "p50_ms" | "p95_ms" | "p99_ms"; dash?: number[] }[] = [
  { label: "p50", stroke: "#0969da", key: "p50_ms" },
  { label: "p95", stroke: "#9a6700", key: "p95_ms", dash: [6, 4] },
  { label: "p99", stroke: "#8250df", key: "p99_ms", dash: [2, 3] },
];

const ms = (v: number | null): string => (v === null ? "—" : `${count(v)} ms`);
const latencyText = (t: WebhookStatsCounts) => PERCENTILES.map((p) => `${p.label} ${ms(t[p.key])}`).join(", ");

/**
 * Delivery attempts of the last hour per minute by outcome, and their latency percentiles, as the
 * server aggregates them (GET /_leadgraph/admin/webhooks/stats): the browser draws, it does not count.
 */
function Charts({ stats }: { stats: WebhookStats }) {
  const x = stats.data.map((b) => b.start_time);
  const t = stats.totals;
  const attempts = t.delivered + t.failed + t.dropped;
  return (
    <>
      <Chart
        x={x}
        series={OUTCOMES.map((o) => ({ label: o.label, stroke: o.stroke, values: stats.data.map((b) => b[o.key]) }))}
        caption={`${count(attempts)} delivery attempt${attempts === 1 ? "" : "s"} in the last ${MINUTES} minutes, per minute by outcome: ${OUTCOMES.map((o) => `${o.label.toLowerCase()} ${count(t[o.key])}`).join(", ")}.`}
        testId="deliveries-per-minute"
      />
      <Chart
        x={x}
        series={PERCENTILES.map((p) => ({
          label: `${p.label} latency (ms)`,
          stroke: p.stroke,
          ...(p.dash ? { dash: p.dash } : {}),
          values: stats.data.map((b) => b[p.key]),
        }))}
        caption={`Latency of the attempts that reached the receiver, per minute (ms); over the hour: ${latencyText(t)}.`}
        testId="delivery-latency"
      />
      <dl class="stats" data-testid="delivery-latency-totals">
        {PERCENTILES.map((p) => (
          <div key={p.key}>
            <dt>{p.label}</dt>
            <dd>{ms(t[p.key])}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

export function DeliveriesChart() {
  const state = useAsync(() => webhookStats(MINUTES), []);
  return (
    <section class="card wide" aria-labelledby="per-minute-h">
      <h2 id="per-minute-h">Deliveries per minute</h2>
      <Async state={state} what="Deliveries per minute">
        {(stats) => <Charts stats={stats} />}
      </Async>
    </section>
  );
}
