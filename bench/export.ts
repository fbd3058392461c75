/**
 * Export and rate-limit benchmarks (SQLite, in one process): export rows/s and peak memory through
 * the real HTTP export beside a raw better-sqlite3 scan formatted by the same TSV writer, and the added cost
 * of lead rate-limit accounting per Graph read. `runExportBench` is what `npm run bench` calls;
 * `tsx bench/export.ts [leads]` runs it alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import SQLite from "better-sqlite3";
import pg from "pg";
import { ExportRowBuilder } from "../src/domain/export/export-row.ts";
import { DelimitedText } from "../src/export/delimited-text.ts";
import { unmeteredReads } from "../src/domain/rate-limit/meter.ts";
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { FORM_8001_WITH_AD, insertManyLeads } from "../test/support/many-leads.ts";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const NOW = 1_795_867_200;

export async function runExportBench(opts: { leads?: number; reads?: number; databaseUrl?: string } = {}): Promise<BenchResult[]> {
  const n = opts.leads ?? 1_000_000;
  const reads = opts.reads ?? 2000;
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-bench-export-"));
  const file = join(dir, "bench.db");
  const runtime = await createRuntime(
    loadConfig({
      db: file,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      secretKey: "bench-secret-key-0123456789",
      adminKey: "bench-admin-key-0123456789",
      logLevel: "silent",
      clock: `manual:${NOW}`,
    }),
  );
  const results: BenchResult[] = [];
  try {
    await loadWorld(runtime.services, benchWorld());
    await insertManyLeads(runtime.services.store, {
      ...FORM_8001_WITH_AD,
      count: n,
      newest: NOW - 60,
      spacingSeconds: (80 * 86_400) / n,
    });
    const app = await buildApp(runtime);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });

    // Building the leads leaves garbage behind; collect it first, or the export's figure depends on
    // when V8 happens to get round to it. (`npm run bench` runs without --expose-gc.)
    collectGarbage();
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    let t = performance.now();
    let lines = 0;
    let bytes = 0;
    const res = await fetch(`${url}/ads/lead_gen/export_csv/?id=8001&type=form&access_token=EAAB-bench`);
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    // Counting with indexOf (memchr) keeps the client's share of this one process small.
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) lines++;
    }
    const exportMs = performance.now() - t;
    clearInterval(sampler);
    const httpRate = ((lines - 1) * 1000) / exportMs;

    // The floor: the same file straight from the driver in one process — one query, the server's own
    // row builder and TSV writer — with no server (no HTTP, no Kysely, no chunking, no access checks). Its byte count is printed beside the server's as a check that
    // both wrote the same file.
    t = performance.now();
    const raw = await rawExport(opts.databaseUrl ? pgRows(opts.databaseUrl) : sqliteRows(file), runtime);
    const rawRate = (raw.rows * 1000) / (performance.now() - t);
    // The X-Leadgraph-Row-Count query on its own (warm, as it runs before each export's first byte).
    t = performance.now();
    await runtime.services.store.leadExport.count({ formId: "8001", fromTime: 0, beforeTime: NOW + 1 });
    const countMs = performance.now() - t;
    results.push(
      {
        name: "export rows/s (HTTP, TSV)",
        value: Math.round(httpRate),
        unit: "rows/s",
        note: `${n} leads, ${(bytes / 1e6).toFixed(1)} MB; target ≥ 100,000`,
      },
      {
        name: "export peak RSS above idle",
        value: Math.round((peak - idle) / 1e6),
        unit: "MB",
        note: "server and client in one process; target < 64",
      },
      {
        name: `raw ${opts.databaseUrl ? "PostgreSQL" : "SQLite"} scan + TSV formatting rows/s`,
        value: Math.round(rawRate),
        unit: "rows/s",
        note: `${(raw.bytes / 1e6).toFixed(1)} MB`,
      },
      { name: "export / raw scan", value: Number((httpRate / rawRate).toFixed(2)), unit: "ratio" },
      {
        name: "export row-count query",
        value: Math.round(countMs),
        unit: "ms",
        note: `${((countMs / exportMs) * 100).toFixed(1)}% of the export`,
      },
    );

    // Rate-limit accounting: the same lead read with the real meter and with none.
    const readOnce = () => app.inject({ method: "GET", url: "/50000000001?access_token=EAAB-bench" });
    const timeReads = async () => {
      for (let i = 0; i < 50; i++) await readOnce();
      const s = performance.now();
      for (let i = 0; i < reads; i++) await readOnce();
      return (performance.now() - s) / reads;
    };
    const meter = runtime.services.meter;
    runtime.services.meter = unmeteredReads;
    const bare = await timeReads();
    runtime.services.meter = meter;
    const metered = await timeReads();
    results.push(
      { name: "lead read without rate-limit accounting", value: Number(bare.toFixed(3)), unit: "ms/read" },
      { name: "lead read with rate-limit accounting", value: Number(metered.toFixed(3)), unit: "ms/read" },
      {
        name: "rate-limit accounting overhead",
        value: Number((((metered - bare) / bare) * 100).toFixed(1)),
        unit: "%",
        note: "target < 10%",
      },
    );
    await app.close();
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function collectGarbage(): void {
  if (!global.gc) setFlagsFromString("--expose-gc");
  (global.gc ?? (runInNewContext("gc") as () => void))();
}

const RAW_SCAN = "select id, created_time, ad_id, platform, is_organic, field_data, disclaimer_responses from leads where form_id = '8001'";

/**
 * Turns the scanned rows into the file with the server's own row builder and TSV writer, in batches
 * of 2,000; returns rows and bytes written. Only the server's machinery is missing, so the ratio is
 * its overhead.
 */
async function rawExport(
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  runtime: Awaited<ReturnType<typeof createRuntime>>,
) {
  const form = (await runtime.services.store.forms.get("8001"))!;
  const ad = (await runtime.services.store.directory.attributions(["7001"])).get("7001")!;
  const builder = new ExportRowBuilder(form);
  const text = new DelimitedText("\t");
  let bytes = Buffer.byteLength(text.format([builder.columns.header]));
  let count = 0;
  let batch: string[][] = [];
  const flush = () => {
    bytes += Buffer.byteLength(text.format(batch));
    count += batch.length;
    batch = [];
  };
  for await (const r of rows) {
    batch.push(
      builder.row(
        {
          id: String(r.id),
          createdTime: Number(r.created_time),
          adId: r.ad_id as string | null,
          isOrganic: r.is_organic === 1,
          isTest: false,
          platform: String(r.platform),
          submitterUserId: null,
          createdByUserId: null,
          fieldData: String(r.field_data),
          disclaimerResponses: String(r.disclaimer_responses),
        },
        r.ad_id === null ? undefined : ad,
      ),
    );
    if (batch.length === 2000) flush();
  }
  flush();
  return { rows: count, bytes };
}

function* sqliteRows(file: string): Generator<Record<string, unknown>> {
  const raw = new SQLite(file, { readonly: true });
  try {
    yield* raw.prepare(`${RAW_SCAN} order by created_time desc, id desc`).iterate() as Iterable<Record<string, unknown>>;
  } finally {
    raw.close();
  }
}

/** Keyset pages of 5,000, the way the export reads, so memory stays flat on large sets. */
async function* pgRows(url: string): AsyncGenerator<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let after: { created_time: string; id: string } | undefined;
    for (;;) {
      const page = after
        ? await client.query(`${RAW_SCAN} and (created_time, id) < ($1, $2) order by created_time desc, id desc limit 5000`, [
            after.created_time,
            after.id,
          ])
        : await client.query(`${RAW_SCAN} order by created_time desc, id desc limit 5000`);
      yield* page.rows;
      if (page.rows.length < 5000) return;
      const last = page.rows.at(-1) as { created_time: string; id: string };
      after = { created_time: last.created_time, id: last.id };
    }
  } finally {
    await client.end();
  }
}

export function benchWorld() {
  return {
    apps: [{ id: "1001", name: "Bench", secret: "bench-secret", mode: "live" as const }],
    users: [{ id: "2001", name: "Ann" }],
    pages: [{ id: "3001", name: "Bench Page", category: "Business", roles: [{ user_id: "2001", tasks: ["MANAGE", "ADVERTISE"] }] }],
    ad_accounts: [{ id: "act_4001", name: "Ads", users: [{ user_id: "2001", role: "ADVERTISER" as const }] }],
    campaigns: [{ id: "5001", account_id: "act_4001", name: "Campaign" }],
    adsets: [{ id: "6001", campaign_id: "5001", name: "Ad set" }],
    ads: [{ id: "7001", adset_id: "6001", name: "Ad", form_id: "8001", status: "ACTIVE" as const }],
    forms: [
      {
        id: "8001",
        page_id: "3001",
        name: "Bench form",
        created_time: NOW - 200 * 86_400,
        questions: [
          { type: "FULL_NAME" },
          { type: "EMAIL" },
          {
            type: "CUSTOM",
            key: "car_make",
            label: "Car?",
            options: [
              { key: "honda", value: "Honda" },
              { key: "kia", value: "Kia" },
            ],
          },
        ],
        custom_disclaimer: {
          title: "Offers",
          body: { text: "Offers" },
          checkboxes: [{ key: "optional_1", text: "Email me", is_required: false }],
        },
      },
    ],
    tokens: [
      {
        token: "EAAB-bench",
        type: "PAGE" as const,
        app_id: "1001",
        user_id: "2001",
        page_id: "3001",
        scopes: [
          "leads_retrieval",
          "pages_show_list",
          "pages_read_engagement",
          "pages_manage_metadata",
          "pages_manage_ads",
          "ads_management",
        ],
        expires_at: null,
      },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const leads = process.argv[2] ? Number(process.argv[2]) : undefined;
  for (const r of await runExportBench(leads === undefined ? {} : { leads })) {
    process.stdout.write(`${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ""}\n`);
  }
}
