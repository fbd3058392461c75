import type { BenchServer } from "./bench-server.ts";

/** One figure, printed as `name: value unit (ratio x.xx vs baseline)`. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number };
  /** value / baseline (for latencies the module states which way is better in `target`). */
  ratio: number;
  /** e.g. `>= 0.50` or `<= 1.30`; checked and marked in the output. */
  target?: { op: ">=" | "<="; value: number };
}

export interface BenchContext {
  server: BenchServer;
  /** Leads in the database (form 8001 holds all of them). */
  leads: number;
  /** Seconds each timed loop runs. */
  seconds: number;
  log(line: string): void;
}

/** A benchmark: add a file in bench/modules/ and list it in bench/modules/index.ts. */
export interface BenchModule {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchFigure[]>;
}

export function formatFigure(f: BenchFigure): string {
  const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2));
  const met =
    f.target === undefined ? "" : (f.target.op === ">=" ? f.ratio >= f.target.value : f.ratio <= f.target.value) ? "  ok" : "  MISSED";
  const target = f.target === undefined ? "" : `, target ${f.target.op} ${f.target.value.toFixed(2)}${met}`;
  return `${f.name}: ${num(f.value)} ${f.unit} (ratio ${f.ratio.toFixed(2)} vs ${f.baseline.name} ${num(f.baseline.value)} ${f.unit}${target})`;
}
