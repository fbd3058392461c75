import Database from "better-sqlite3";
import pg from "pg";
import { Pool } from "undici";
import type { BenchModule } from "../bench-module.ts";
import type { BenchServer } from "../bench-server.ts";
import { BENCH_FORM } from "../build-leads.ts";
import { primePageCache } from "../page-cache.ts";

const LIMIT = 500;
const FIELDS = "created_time,id,ad_id,form_id,field_data";

/**
 * Bulk export as an integration does it: walk `/{form-id}/leads?limit=500` by `paging.next`.
 * Baseline: the same keyset walk as a raw select on the same database + JSON.stringify (in process
 * on SQLite's file; on PostgreSQL over one connection of its own).
 */
export const bulkRead: BenchModule = {
  name: "bulk-read",
  description: "leads/s walking /{form-id}/leads with limit=500 over HTTP vs a raw select (same database) + JSON.stringify loop",
  async run(ctx) {
    const budget = Math.min(ctx.leads, 250_000);
    const { server } = ctx;
    // The raw baseline runs before and after the HTTP walk (half the time each), averaged, so load
    // drifting on a shared machine hits both figures alike.
    const raw = await rawReader(server);
    let rawRead = 0;
    let bytes = 0;
    const rawWalk = async (seconds: number): Promise<number> => {
      let n = 0;
      const deadline = performance.now() + seconds * 1000;
      const started = performance.now();
      let rows = await raw.first(LIMIT);
      while (rows.length > 0 && n < budget && performance.now() < deadline) {
        bytes += JSON.stringify({ data: rows }).length;
        n += rows.length;
        const last = rows[rows.length - 1]!;
        rows = await raw.next(last, LIMIT);
      }
      rawRead += n;
      return n / ((performance.now() - started) / 1000);
    };
    const pool = new Pool(server.url, { connections: 1 });
    /** Walks the edge by `paging.next` for up to `seconds` or `max` leads; answers the leads read. */
    const httpWalk = async (seconds: number, max: number): Promise<number> => {
      let path: string | undefined = `/v25.0/${BENCH_FORM}/leads?fields=${FIELDS}&limit=${LIMIT}&access_token=${server.token}`;
      let n = 0;
      const deadline = performance.now() + seconds * 1000;
      while (path && n < max && performance.now() < deadline) {
        const res: Awaited<ReturnType<typeof pool.request>> = await pool.request({ method: "GET", path });
        const text: string = await res.body.text();
        if (res.statusCode !== 200) throw new Error(text.slice(0, 300));
        // The client only counts rows and finds `next` (at the end of the body): parsing every lead
        // here would charge the client's JSON.parse to the server's figure.
        n += text.split('"field_data"').length - 1;
        const next: string | undefined = /"next":"([^"]+)"\}\}$/.exec(text)?.[1];
        path = next ? new URL(JSON.parse(`"${next}"`) as string).pathname + new URL(JSON.parse(`"${next}"`) as string).search : undefined;
      }
      return n;
    };
    // Both sides warm up untimed (JIT): the server process has just started.
    await httpWalk(ctx.seconds, 20_000);
    await rawWalk(Math.min(1, ctx.seconds / 4));
    rawRead = 0;
    bytes = 0;
    const rawBefore = await rawWalk(ctx.seconds / 2);
    const started = performance.now();
    const read = await httpWalk(ctx.seconds, budget);
    const http = read / ((performance.now() - started) / 1000);
    await pool.close();
    const rawRate = (rawBefore + (await rawWalk(ctx.seconds / 2))) / 2;
    await raw.close();

    ctx.log(`  bulk-read: ${read} leads over HTTP, ${rawRead} raw (${bytes} bytes of JSON)`);
    return [
      {
        name: "bulk read (HTTP, limit=500)",
        value: http,
        unit: "leads/s",
        baseline: { name: `raw ${server.db === "postgres" ? "PostgreSQL" : "SQLite"} select + JSON.stringify`, value: rawRate },
        ratio: http / rawRate,
        target: { op: ">=", value: 0.5 },
      },
    ];
  },
};

type RawRow = { created_time: number | string; id: string };

/** The keyset walk's two statements, straight on the database the server reads. */
async function rawReader(
  server: BenchServer,
): Promise<{ first(limit: number): Promise<RawRow[]>; next(last: RawRow, limit: number): Promise<RawRow[]>; close(): Promise<void> }> {
  const firstSql = "select * from leads where form_id = $1 order by created_time desc, id desc limit $2";
  const nextSql = `select * from leads where form_id = $1 and created_time <= $2 and (created_time < $2 or id < $3)
    order by created_time desc, id desc limit $4`;
  if (server.db === "postgres") {
    const client = new pg.Client({ connectionString: server.file });
    await client.connect();
    return {
      first: async (limit) => (await client.query<RawRow>({ name: "bench-first", text: firstSql, values: [BENCH_FORM, limit] })).rows,
      next: async (last, limit) =>
        (await client.query<RawRow>({ name: "bench-next", text: nextSql, values: [BENCH_FORM, last.created_time, last.id, limit] })).rows,
      close: () => client.end(),
    };
  }
  primePageCache(server.file);
  const db = new Database(server.file, { readonly: true });
  const first = db.prepare("select * from leads where form_id = ? order by created_time desc, id desc limit ?");
  const next = db.prepare(`select * from leads where form_id = ? and created_time <= ? and (created_time < ? or id < ?)
    order by created_time desc, id desc limit ?`);
  return {
    first: async (limit) => first.all(BENCH_FORM, limit) as RawRow[],
    next: async (last, limit) => next.all(BENCH_FORM, last.created_time, last.created_time, last.id, limit) as RawRow[],
    close: async () => {
      db.close();
    },
  };
}
