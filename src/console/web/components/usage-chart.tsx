import { useMemo } from "preact/hooks";
import type { LimitUsage } from "../api.ts";
import { Chart } from "./chart.tsx";
import { count } from "./format.ts";

/**
 * A page's leadgen calls per hour over the last 24 hours (bars) and their running total (line),
 * with the budget of the rolling 24-hour window as a dashed line when it is on a readable scale.
 */
export function UsageChart({ usage, title }: { usage: LimitUsage; title: string }) {
  const hours = (usage.hourly ?? []).slice(-24);
  let running = 0;
  const cumulative = hours.map((h) => (running += h.calls));
  const total = running;
  // A budget far above the calls would flatten every bar: it is then named, not drawn.
  const budgetOnScale = usage.budget <= Math.max(total, 1) * 4;
  const x = useMemo(() => hours.map((h) => h.hour_start), [usage]);
  const series = useMemo(
    () => [
      { label: "Calls per hour", stroke: "#0969da", bars: true, values: hours.map((h) => h.calls) },
      { label: "Running total", stroke: total > usage.budget ? "#cf222e" : "#1b1f24", values: cumulative },
      ...(budgetOnScale ? [{ label: "Budget", stroke: "#cf222e", dash: [6, 4], values: hours.map(() => usage.budget) }] : []),
    ],
    [usage],
  );
  const caption =
    `${title}: ${count(total)} calls in the last 24 h (bars per hour, line running total); budget ${count(usage.budget)} per rolling 24 h` +
    `${budgetOnScale ? "" : " (above this scale)"}${usage.limited ? " — rate limited now" : ""}.`;
  return <Chart x={x} series={series} caption={caption} testId={`usage-chart-${usage.page_id}`} />;
}
