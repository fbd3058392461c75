import { count, percent } from "./format.ts";

/** One page's rate-limit use as a labelled meter (text alongside, so colour is never the only cue). */
export function UsageBar({ label, used, budget }: { label: string; used: number; budget: number }) {
  const ratio = budget > 0 ? Math.min(1, used / budget) : 0;
  const level = ratio >= 0.9 ? "high" : ratio >= 0.6 ? "mid" : "low";
  return (
    <div class="usage">
      <div class="usage-label">
        <span>{label}</span>
        <span>
          {count(used)} / {count(budget)} ({percent(used, budget)})
        </span>
      </div>
      <meter
        min={0}
        max={budget || 1}
        value={used}
        high={budget * 0.9}
        low={budget * 0.6}
        optimum={0}
        aria-label={`${label} rate-limit use`}
        class={level}
      />
    </div>
  );
}
