/**
 * Ingest benchmark: leads/s of the ways leads come in, each against a raw baseline in the same run.
 *   - hosted-form POST through HTTP (one lead per request, durable when the answer arrives: fsynced)
 *   - test-lead creation through HTTP (POST /{form-id}/test_leads)
 *     both vs. a raw loop of single-row transactions inserting the same lead rows, fsynced at commit
 *     like a lead (SQLite synchronous=FULL; a NORMAL loop would compare a lead that survives power
 *     loss with rows that may not)
 *   - `leadgraph import` (importLeads, batches of 1000) vs. a raw loop of 1000-row insert transactions,
 *     fsynced at commit too
 * The HTTP paths are served by a leadgraph server in its own process on the same database file (the
 * raw loops and the import run here, on their own connection: WAL lets both work on the file), with
 * SUBMITTERS (default 4, env INGEST_SUBMITTERS) keep-alive connections each sending one request at a time.
 * Each HTTP path runs 1,000 untimed requests before its 1,000 timed ones (V8 optimises a request path
 * over its first thousand or so requests), and the raw single-row loop one untimed half first.
 * Run: `npx tsx bench/ingest.ts [--postgres postgres://…] [--scale 1]`; `npm run bench` calls benchIngest().
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { Pool } from "undici";
import { importLeads } from "../src/import/import-leads.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { startConfiguredServer } from "./bench-server.ts";

export interface IngestResult {
  name: string;
  leadsPerSecond: number;
  baselinePerSecond: number;
  ratio: number;
  target: number;
  /** Leads per fsynced commit during the timed run (SQLite's group commit; absent on PostgreSQL). */
  leadsPerCommit?: number;
}

const WORLD = {
  apps: [{ id: "1001", name: "Bench", secret: "bench-secret-1" }],
  users: [{ id: "2001", name: "Bench User" }],
  pages: [{ id: "3001", name: "Bench Page", roles: [{ user_id: "2001", tasks: ["ADVERTISE", "MANAGE"] }] }],
  forms: [
    {
      id: "8001",
      page_id: "3001",
      name: "Bench form",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "CUSTOM", key: "note", label: "Note" }],
    },
  ],
  tokens: [
    {
      token: "EAAB-bench-page",
      type: "PAGE",
      app_id: "1001",
      user_id: "2001",
      page_id: "3001",
      scopes: ["ads_management", "pages_manage_ads"],
      expires_at: null,
    },
  ],
};

/** Visitors submitting at the same time, each on its own keep-alive connection. */
const SUBMITTERS = Number(process.env.INGEST_SUBMITTERS ?? 4);

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Runs fn(0..n-1) with SUBMITTERS calls in flight at a time; results in index order. */
async function concurrently<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: SUBMITTERS }, worker));
  return out;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function leadRow(runtime: Runtime, i: number) {
  return {
    id: runtime.services.ids.next(),
    form_id: "8001",
    page_id: "3001",
    ad_id: null,
    adset_id: null,
    campaign_id: null,
    account_id: null,
    created_time: 1_795_000_000 + i,
    platform: "fb",
    is_organic: 1,
    is_test: 0,
    field_data: JSON.stringify([
      { name: "full_name", values: [`P ${i}`] },
      { name: "email", values: [`p${i}@example.com`] },
      { name: "note", values: ["hi"] },
    ]),
    disclaimer_responses: "[]",
    partner_name: null,
    retailer_item_id: null,
    created_by_app_id: null,
    created_by_user_id: null,
    submitter_user_id: null,
    source: "admin",
    external_id: null,
  };
}

/**
 * Runs a raw loop with the durability of a lead commit (fsynced): the connection's level switch is
 * held at FULL for the whole loop, as it is for a durable transaction (a bare `pragma synchronous`
 * would be undone by the switch at the loop's first BEGIN). PostgreSQL commits are durable already.
 */
async function durably<T>(runtime: Runtime, fn: () => Promise<T>): Promise<T> {
  if (runtime.connection.sqlite === undefined) return fn();
  const level = runtime.connection.sqlite.group.level;
  level.enterDurable();
  try {
    const result = await fn();
    const now = (await sql<{ synchronous: number }>`pragma synchronous`.execute(runtime.connection.db)).rows[0]!.synchronous;
    if (Number(now) !== 2) throw new Error(`raw loop ran under synchronous=${now}, not FULL`);
    return result;
  } finally {
    level.leaveDurable();
  }
}

/** The server's durable commit counters (its /metrics), to report how many leads shared each fsync. */
async function commitsOf(url: string): Promise<{ commits: number; bodies: number } | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const figure = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  const commits = figure("leadgraph_sqlite_durable_commits_total");
  return commits > 0 ? { commits, bodies: figure("leadgraph_sqlite_durable_transactions_total") } : undefined;
}

function perCommit(
  before: Awaited<ReturnType<typeof commitsOf>>,
  after: Awaited<ReturnType<typeof commitsOf>>,
): { leadsPerCommit?: number } {
  if (!before || !after || after.commits === before.commits) return {};
  return { leadsPerCommit: (after.bodies - before.bodies) / (after.commits - before.commits) };
}

export async function benchIngest(opts: { postgresUrl?: string; scale?: number } = {}): Promise<IngestResult[]> {
  const scale = opts.scale ?? 1;
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-bench-"));
  // One load generator is one client address: the hosted form's per-address and per-form limits
  // (20 and 600 a minute by default) would refuse it at once, and the bench measures intake, not them.
  const config = {
    db: join(dir, "bench.db"),
    ...(opts.postgresUrl ? { databaseUrl: opts.postgresUrl } : {}),
    secretKey: "bench-key-bench-key-bench",
    logLevel: "silent",
    port: 0,
    hostedFormSubmitsPerAddress: 1_000_000_000,
    hostedFormSubmitsPerForm: 1_000_000_000,
  } as const;
  const runtime = await createRuntime(loadConfig(config));
  const results: IngestResult[] = [];
  try {
    await loadWorld(runtime.services, WORLD);
    const db = runtime.connection.db;

    // Raw single-row transactions: the floor any per-request path can approach. With the same
    // durability as a lead (fsynced at commit): on SQLite synchronous=FULL for the loop, as the
    // durable transaction does; PostgreSQL commits are durable already.
    // fsync times drift with the disk's other work, so the loop runs half before and half after the
    // HTTP paths and the two rates are averaged (as the read benchmarks do with their baselines).
    const single = 1000 * scale;
    let rawRow = 0;
    const rawSingleRate = async () =>
      perSecond(
        single / 2,
        await durably(runtime, () =>
          timed(async () => {
            for (let i = 0; i < single / 2; i++, rawRow++)
              await db.transaction().execute((tx) => tx.insertInto("leads").values(leadRow(runtime, rawRow)).execute());
          }),
        ),
      );
    // Every path is warmed up (JIT, statement caches) before it is timed, the raw loop too: a server
    // runs warm, and the hosted POST's first thousand requests average ~30 % slower than the next.
    const warmup = 1000 * scale;
    await rawSingleRate();
    const rawBefore = await rawSingleRate();

    // The server under test runs in its own process on the same database, as a deployment runs it
    // (and as the read benchmarks run theirs), so the load generator's HTTP work is not charged to it.
    // SUBMITTERS keep-alive connections each send one request at a time: a form's visitors submit
    // independently of each other, and one sequential client would time its own round trip, not the
    // server. Every lead is fsynced before its answer; leads whose requests arrive in the same turn
    // of the server's event loop share one COMMIT (group commit, storage/dialects/sqlite/group-commit.ts).
    const server = await startConfiguredServer(config, "ingest bench server");
    const http = new Pool(server.url, { connections: SUBMITTERS });
    try {
      const call = async (method: "GET" | "POST", path: string, body?: { type: string; text: string }) => {
        const res = await http.request({ method, path, ...(body ? { headers: { "content-type": body.type }, body: body.text } : {}) });
        return { status: res.statusCode, text: await res.body.text() };
      };

      const hostedN = 1000 * scale;
      const tokens = await concurrently(
        hostedN + warmup,
        async () => /name="_token" value="([^"]+)"/.exec((await call("GET", "/forms/8001")).text)![1]!,
      );
      const submit = (from: number, n: number) =>
        concurrently(n, async (i) => {
          const res = await call("POST", "/forms/8001", {
            type: "application/x-www-form-urlencoded",
            text: new URLSearchParams({
              _token: tokens[from + i]!,
              "answer:full_name": `Hosted ${from + i}`,
              "answer:email": `h${from + i}@example.com`,
              "answer:note": "hi",
            }).toString(),
          });
          if (res.status !== 200) throw new Error(`hosted POST answered ${res.status}`);
        });
      await submit(0, warmup);
      const hostedCommits = await commitsOf(server.url);
      const hostedMs = await timed(() => submit(warmup, hostedN));
      const hostedPerCommit = perCommit(hostedCommits, await commitsOf(server.url));
      const hosted = perSecond(hostedN, hostedMs);

      // One test lead per form at a time, so each creation gets its own form.
      const testN = 1000 * scale;
      const formIds = await concurrently(testN + warmup, async (i) => {
        const res = await call("POST", "/3001/leadgen_forms?access_token=EAAB-bench-page", {
          type: "application/json",
          text: JSON.stringify({ name: `F${i}`, questions: [{ type: "EMAIL" }] }),
        });
        return (JSON.parse(res.text) as { id: string }).id;
      });
      const createTestLeads = (ids: string[]) =>
        concurrently(ids.length, async (i) => {
          const res = await call("POST", `/${ids[i]}/test_leads?access_token=EAAB-bench-page`);
          if (res.status !== 200) throw new Error(`test lead answered ${res.status}: ${res.text}`);
        });
      await createTestLeads(formIds.slice(0, warmup));
      const testCommits = await commitsOf(server.url);
      const testMs = await timed(() => createTestLeads(formIds.slice(warmup)));
      const testPerCommit = perCommit(testCommits, await commitsOf(server.url));
      const testLeads = perSecond(testN, testMs);
      const rawSingle = Math.round((rawBefore + (await rawSingleRate())) / 2);
      results.push({
        name: "hosted-form POST (HTTP)",
        leadsPerSecond: hosted,
        baselinePerSecond: rawSingle,
        ratio: hosted / rawSingle,
        target: 0.4,
        ...hostedPerCommit,
      });
      results.push({
        name: "test-lead creation (HTTP)",
        leadsPerSecond: testLeads,
        baselinePerSecond: rawSingle,
        ratio: testLeads / rawSingle,
        target: 0.4,
        ...testPerCommit,
      });
    } finally {
      await http.close();
      await server.close();
    }

    // The import and its raw loop are warmed up like the HTTP paths (a real import is a long file, warm
    // after its first batches), and the raw loop runs half before and half after the import, averaged.
    const batched = 20_000 * scale;
    let rawBatchRow = 0;
    const rawBatchRate = (n: number) =>
      durably(runtime, () =>
        timed(async () => {
          for (const end = rawBatchRow + n; rawBatchRow < end; rawBatchRow += 1000) {
            const i = rawBatchRow;
            const batchEnd = Math.min(i + 1000, end);
            await db.transaction().execute(async (tx) => {
              for (let j = i; j < batchEnd; j += 400) {
                await tx
                  .insertInto("leads")
                  .values(Array.from({ length: Math.min(400, batchEnd - j) }, (_, k) => leadRow(runtime, j + k)))
                  .execute();
              }
            });
          }
        }),
      ).then((ms) => perSecond(n, ms));
    const importRate = async (name: string, n: number) => {
      const file = join(dir, `${name}.csv`);
      const out = createWriteStream(file);
      out.write("external_id,full_name,email,note\n");
      for (let i = 0; i < n; i++) out.write(`${name}${i},Person ${i},p${i}@example.com,hello\n`);
      await new Promise<void>((r) => out.end(() => r()));
      return perSecond(
        n,
        await timed(async () => {
          const s = await importLeads(runtime.services, { file, formId: "8001", format: "csv" });
          if (s.created !== n) throw new Error(`import created ${s.created}`);
        }),
      );
    };
    const importWarmup = 2000 * scale;
    await rawBatchRate(importWarmup);
    await importRate("warmup", importWarmup);
    const rawBatchBefore = await rawBatchRate(batched / 2);
    const imported = await importRate("import", batched);
    const rawBatch = Math.round((rawBatchBefore + (await rawBatchRate(batched / 2))) / 2);
    results.push({
      name: "import (CSV, 1000/batch)",
      leadsPerSecond: imported,
      baselinePerSecond: rawBatch,
      ratio: imported / rawBatch,
      target: 0.4,
    });
    return results;
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pgAt = process.argv.indexOf("--postgres");
  const scaleAt = process.argv.indexOf("--scale");
  const results = await benchIngest({
    ...(pgAt > 0 ? { postgresUrl: process.argv[pgAt + 1]! } : {}),
    ...(scaleAt > 0 ? { scale: Number(process.argv[scaleAt + 1]) } : {}),
  });
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(28)} ${String(r.leadsPerSecond).padStart(7)} leads/s  baseline ${String(r.baselinePerSecond).padStart(7)}/s  ratio ${r.ratio.toFixed(2)} (target ≥ ${r.target}) ${r.ratio >= r.target ? "ok" : "BELOW TARGET"}${r.leadsPerCommit ? `, ${r.leadsPerCommit.toFixed(1)} leads per fsync` : ""}\n`,
    );
  }
}
