import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  /** A CSS colour; every series also has a label in the legend and the caption, so colour is never the only cue. */
  stroke: string;
  bars?: boolean;
  dash?: number[];
}

const HEIGHT = 220;

/**
 * A time chart drawn by uPlot (canvas; it styles its elements through the CSSOM, which a strict
 * Content-Security-Policy allows). `x` is unix seconds; the figure follows its container's width.
 * The caption states what the chart shows in words, for screen readers and tests.
 */
export function Chart({
  x,
  series,
  caption,
  testId,
}: {
  x: number[];
  series: (ChartSeries & { values: (number | null)[] })[];
  caption: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(200, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        // Counts start at zero, so bar heights compare.
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => new Intl.NumberFormat("en-US").format(t)) }],
        series: [
          { label: "Time (UTC)" },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            ...(s.bars ? { fill: s.stroke, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } } : {}),
            ...(s.dash ? { dash: s.dash } : {}),
          })),
        ],
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series]);
  return (
    <figure class="chart" data-testid={testId}>
      <div ref={box} class="chart-box" role="img" aria-label={caption} />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
