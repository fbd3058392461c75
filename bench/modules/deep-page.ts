import { Pool } from "undici";
import type { BenchModule } from "../bench-module.ts";
import { BENCH_FORM } from "../build-leads.ts";
import { pairedMedianLatencyMs } from "../load.ts";

const DEPTH = 1_000;
const RUNS = 100;

/** Keyset paging: the latency of a page 1,000 pages deep against page 1 (limit 25). */
export const deepPage: BenchModule = {
  name: "deep-page",
  description: "median latency of page 1,000 vs page 1 of /{form-id}/leads (limit 25)",
  async run(ctx) {
    const { server } = ctx;
    const depth = Math.min(DEPTH, Math.floor(ctx.leads / 25) - 1);
    const base = `${server.url}/v25.0/${BENCH_FORM}/leads?access_token=${server.token}`;
    const pool = new Pool(server.url, { connections: 1 });
    let after = "";
    for (let page = 1; page < depth; page++) {
      const res = await pool.request({ method: "GET", path: `/v25.0/${BENCH_FORM}/leads?fields=id&access_token=${server.token}${after && `&after=${after}`}` });
      const body = (await res.body.json()) as { paging: { cursors: { after: string } } };
      after = encodeURIComponent(body.paging.cursors.after);
    }
    await pool.close();
    const [first, deep] = await pairedMedianLatencyMs(base, `${base}&after=${after}`, RUNS);
    return [{
      name: `page ${depth} latency`, value: deep, unit: "ms",
      baseline: { name: "page 1", value: first }, ratio: deep / first, target: { op: "<=", value: 1.3 },
    }];
  },
};
