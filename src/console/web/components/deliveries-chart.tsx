import { type Delivery, deliveries, serverNow } from "../api.ts";
import { Async, useAsync } from "./async.tsx";
import { Chart } from "./chart.tsx";
import { count } from "./format.ts";

const MINUTES = 60;
const OUTCOMES: { label: string; stroke: string; of: (d: Delivery) => boolean }[] = [
  { label: "Delivered", stroke: "#1a7f37", of: (d) => d.status === "delivered" },
  { label: "Pending (retrying)", stroke: "#9a6700", of: (d) => d.status === "pending" },
  { label: "Failed (expired or dropped)", stroke: "#cf222e", of: (d) => d.status === "expired" || d.status === "dropped" },
  { label: "Cancelled", stroke: "#6e7781", of: (d) => d.status === "cancelled" },
];

/** The last hour's deliveries (at most 1,000, from the admin delivery log) counted per minute of creation and outcome. */
async function perMinute() {
  const { now } = await serverNow();
  const first = Math.floor(now / 60) * 60 - (MINUTES - 1) * 60;
  const list = await deliveries({ since: first, limit: 1000 });
  const x = Array.from({ length: MINUTES }, (_, i) => first + i * 60);
  const series = OUTCOMES.map((o) => ({ label: o.label, stroke: o.stroke, values: x.map<number>(() => 0) }));
  for (const d of list.data) {
    if (d.created_time === null) continue;
    const i = Math.floor((d.created_time - first) / 60);
    const o = OUTCOMES.findIndex((k) => k.of(d));
    if (i >= 0 && i < MINUTES && o >= 0) series[o]!.values[i]! += 1;
  }
  return { x, series, total: list.data.length, truncated: list.paging?.next !== undefined };
}

export function DeliveriesChart() {
  const state = useAsync(perMinute, []);
  return (
    <section class="card wide" aria-labelledby="per-minute-h">
      <h2 id="per-minute-h">Deliveries per minute</h2>
      <Async state={state} what="Deliveries per minute">
        {({ x, series, total, truncated }) => (
          <Chart
            x={x}
            series={series}
            caption={`${count(total)} deliveries created in the last ${MINUTES} minutes, per minute by outcome: ${series.map((s) => `${s.label.toLowerCase()} ${count(s.values.reduce((a, b) => a + b, 0))}`).join(", ")}${truncated ? " (the newest 1,000 only: more were created)" : ""}.`}
            testId="deliveries-per-minute"
          />
        )}
      </Async>
    </section>
  );
}
