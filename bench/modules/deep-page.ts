import { Pool } from "undici";
import type { BenchFigure, BenchModule } from "../bench-module.ts";
import { BENCH_FORM } from "../build-leads.ts";
import { pairedMedianLatencyMs } from "../load.ts";

const DEPTH = 1_000;
const RUNS = 100;

/**
 * Keyset paging: the latency of a page 1,000 pages deep against page 1 (limit 25), without and with
 * a `filtering` upper bound on time_created (the filter's bound and the cursor's must not make the
 * database walk from the one down to the other).
 */
export const deepPage: BenchModule = {
  name: "deep-page",
  description: "median latency of page 1,000 vs page 1 of /{form-id}/leads (limit 25), unfiltered and filtered",
  async run(ctx) {
    const { server } = ctx;
    const depth = Math.min(DEPTH, Math.floor(ctx.leads / 25) - 1);
    const filter = encodeURIComponent(
      JSON.stringify([{ field: "time_created", operator: "LESS_THAN", value: Math.floor(Date.now() / 1000) + 86_400 }]),
    );
    const figures: BenchFigure[] = [];
    for (const [label, extra] of [
      ["", ""],
      [" (filtered)", `&filtering=${filter}`],
    ] as const) {
      const base = `${server.url}/v25.0/${BENCH_FORM}/leads?access_token=${server.token}${extra}`;
      const pool = new Pool(server.url, { connections: 1 });
      let after = "";
      for (let page = 1; page < depth; page++) {
        const res = await pool.request({
          method: "GET",
          path: `/v25.0/${BENCH_FORM}/leads?fields=id&access_token=${server.token}${extra}${after && `&after=${after}`}`,
        });
        const body = (await res.body.json()) as { paging: { cursors: { after: string } } };
        after = encodeURIComponent(body.paging.cursors.after);
      }
      await pool.close();
      const [first, deep] = await pairedMedianLatencyMs(base, `${base}&after=${after}`, RUNS);
      figures.push({
        name: `page ${depth} latency${label}`,
        value: deep,
        unit: "ms",
        baseline: { name: "page 1", value: first },
        ratio: deep / first,
        target: { op: "<=", value: 1.3 },
      });
    }
    return figures;
  },
};
