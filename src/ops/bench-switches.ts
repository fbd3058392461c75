/**
 * Mechanisms of the storage and request fast path that a benchmark may turn off, to measure what each
 * is worth (docs/benchmarks.md, "Storage fast path: what each mechanism is worth"). Read once from
 * LEADGRAPH_BENCH_DISABLE (comma-separated names); a benchmark driving one process may flip them
 * between runs. Never set in production: every switch only takes a slower, equivalent path.
 */
export const FAST_PATH_MECHANISMS = ["prepared-query", "statement-cache"] as const;
export type FastPathMechanism = (typeof FAST_PATH_MECHANISMS)[number];

export const benchDisabled = new Set<string>(
  (process.env.LEADGRAPH_BENCH_DISABLE ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
);
