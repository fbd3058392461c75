/**
 * Mechanisms of the storage fast path that a benchmark may turn off, to measure what each is worth
 * (docs/benchmarks.md, "Storage fast path: what each mechanism is worth"). Empty in production: only
 * the benchmarks fill it (bench/fast-path-worth.ts in its own process, bench/bench-server.ts from
 * LEADGRAPH_BENCH_DISABLE). Every switch only takes a slower, equivalent path.
 */
export const FAST_PATH_MECHANISMS = ["prepared-query", "statement-cache"] as const;

export const benchDisabled = new Set<string>();
