import type { LimitUsage } from "../api.ts";

const W = 640;
const H = 220;
const PAD = { left: 56, right: 12, top: 20, bottom: 28 };

const hhmm = (s: number) => new Date(s * 1000).toISOString().slice(11, 16);

/**
 * A page's leadgen calls per hour over the last 24 hours (bars) and their running total (line)
 * against the budget of the rolling 24-hour window (dashed). Drawn by hand: no chart library.
 */
export function UsageChart({ usage, title }: { usage: LimitUsage; title: string }) {
  const hours = (usage.hourly ?? []).slice(-24);
  let running = 0;
  const cumulative = hours.map((h) => (running += h.calls));
  const total = running;
  // A budget far above the calls would flatten every bar: the scale then fits the calls and the
  // budget is named above it instead of drawn.
  const budgetOnScale = usage.budget <= Math.max(total, 1) * 4;
  const max = budgetOnScale ? Math.max(usage.budget, total, 1) * 1.05 : Math.max(total, 1) * 1.2;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const bw = innerW / 24;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const x = (i: number) => PAD.left + i * bw;
  const line = cumulative.map((c, i) => `${i === 0 ? "M" : "L"}${(x(i) + bw / 2).toFixed(1)},${y(c).toFixed(1)}`).join(" ");
  const titleId = `chart-${usage.page_id}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{`${title}: ${total} leadgen calls in the last 24 hours against a budget of ${usage.budget}`}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} class="grid-line" />
            <text x={PAD.left - 6} y={y(max * f) + 4} text-anchor="end" class="axis">{Math.round(max * f)}</text>
          </g>
        ))}
        {hours.map((h, i) => (
          <rect key={h.hour_start} x={x(i) + 1} y={y(h.calls)} width={Math.max(1, bw - 2)} height={PAD.top + innerH - y(h.calls)} class="bar">
            <title>{`${hhmm(h.hour_start)} UTC: ${h.calls} calls`}</title>
          </rect>
        ))}
        {hours.length > 0 && <path d={line} class={total > usage.budget ? "running over" : "running"} />}
        {budgetOnScale ? (
          <>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(usage.budget)} y2={y(usage.budget)} class="budget" />
            <text x={W - PAD.right} y={y(usage.budget) - 4} text-anchor="end" class="axis">budget {usage.budget} / 24 h</text>
          </>
        ) : (
          <text x={W - PAD.right} y={PAD.top - 4} text-anchor="end" class="axis">budget {usage.budget} / 24 h: above this scale</text>
        )}
        {hours.map((h, i) => (i % 6 === 0 ? <text key={`t${h.hour_start}`} x={x(i)} y={H - 8} class="axis">{hhmm(h.hour_start)}</text> : null))}
      </svg>
      <figcaption>
        {title}: {total} calls in the last 24 h (bars per hour, line running total); budget {usage.budget} per rolling 24 h
        {usage.limited ? " — rate limited now" : ""}.
      </figcaption>
    </figure>
  );
}
