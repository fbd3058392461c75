import type { LimitUsage } from "../api.ts";

const W = 640;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/**
 * Calls per hour over the last 24 hours as bars, the budget as a dashed line (per hour when the
 * budget is hourly, scaled otherwise). Drawn by hand: no chart library, nothing fetched.
 */
export function UsageChart({ usage, title }: { usage: LimitUsage; title: string }) {
  const hours = usage.hourly.slice(-24);
  const window = usage.window_seconds ?? 3600;
  // A budget over a window longer than an hour is drawn as its hourly share so bars and line compare.
  const perHour = usage.budget * Math.min(1, 3600 / window);
  const max = Math.max(perHour, ...hours.map((h) => h.calls), 1);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const bw = innerW / Math.max(hours.length, 24);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const total = hours.reduce((a, h) => a + h.calls, 0);
  const titleId = `chart-${usage.page_id}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{`${title}: ${total} leadgen calls in the last 24 hours; budget ${usage.budget} per ${window / 3600} h`}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} class="grid-line" />
            <text x={PAD.left - 6} y={y(max * f) + 4} text-anchor="end" class="axis">{Math.round(max * f)}</text>
          </g>
        ))}
        {hours.map((h, i) => (
          <rect key={h.hour} x={PAD.left + i * bw + 1} y={y(h.calls)} width={Math.max(1, bw - 2)} height={PAD.top + innerH - y(h.calls)}
            class={h.calls > perHour ? "bar over" : "bar"}>
            <title>{`${new Date(h.hour * 1000).toISOString().slice(11, 16)} UTC: ${h.calls} calls`}</title>
          </rect>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(perHour)} y2={y(perHour)} class="budget" />
        <text x={W - PAD.right} y={y(perHour) - 4} text-anchor="end" class="axis">budget {Math.round(perHour)}/h</text>
        {hours.filter((_, i) => i % 6 === 0).map((h) => {
          const i = hours.indexOf(h);
          return <text key={h.hour} x={PAD.left + i * bw} y={H - 8} class="axis">{new Date(h.hour * 1000).toISOString().slice(11, 16)}</text>;
        })}
      </svg>
      <figcaption>{title}: {total} calls in 24 h; budget {usage.budget} per {window >= 3600 ? `${window / 3600} h` : `${window} s`}{usage.used !== undefined ? `; ${usage.used} used in the current window` : ""}.</figcaption>
    </figure>
  );
}
