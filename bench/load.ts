import { Pool } from "undici";

/**
 * Requests per second against one URL: `connections` keep-alive connections each sending requests
 * back to back for `seconds`. Every answer must be 200 (a benchmark of errors is no benchmark).
 */
export async function requestsPerSecond(
  origin: string,
  path: () => string,
  opts: { connections: number; seconds: number },
): Promise<number> {
  const pool = new Pool(origin, { connections: opts.connections, pipelining: 1 });
  const deadline = performance.now() + opts.seconds * 1000;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await pool.request({ method: "GET", path: path() });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text.slice(0, 200)}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return done / elapsed;
}

/**
 * Median latencies (ms) of two URLs measured alternately, so load changes on a shared machine hit
 * both figures alike.
 */
export async function pairedMedianLatencyMs(a: string, b: string, runs: number, warmup = 5): Promise<[number, number]> {
  const pool = new Pool(new URL(a).origin, { connections: 1 });
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs + warmup; i++) {
    for (const [k, url] of [a, b].entries()) {
      const u = new URL(url);
      const t = performance.now();
      const res = await pool.request({ method: "GET", path: u.pathname + u.search });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${text.slice(0, 200)}`);
      if (i >= warmup) times[k]!.push(performance.now() - t);
    }
  }
  await pool.close();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(times[0]), median(times[1])];
}

/** The `q` quantile (0–1) of ascending-sorted milliseconds, to 0.1 ms; 0 when there are none. */
export function quantileMs(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]! * 10) / 10;
}

/**
 * `workers` callers each running `once(worker)` back to back for `ms`: every call's latency (ms,
 * sorted ascending) and the seconds it all took.
 */
export async function closedLoopLatencies(
  workers: number,
  ms: number,
  once: (worker: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await once(w);
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}
