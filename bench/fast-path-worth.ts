/**
 * What each mechanism of the storage fast path is worth (docs/benchmarks.md, "Storage fast path:
 * what each mechanism is worth"). One process, one SQLite database, the operations users wait on
 * driven through the app (bulk read by paging.next, CSV export, `leadgraph import`) plus single GETs;
 * each operation runs in on/off pairs per mechanism (A B, B A, …: drift in the machine's load hits
 * both alike), recording wall time and this process's CPU time per lead.
 * Run: `npx tsx bench/fast-path-worth.ts [--leads 30000] [--rounds 8] [--only mech1,mech2] [--ops import,single GET]`
 * (with `node --expose-gc` each run starts after a collection).
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { importLeads } from "../src/import/import-leads.ts";
import { buildApp } from "../src/http/app.ts";
import { benchDisabled, FAST_PATH_MECHANISMS } from "../src/storage/bench-switches.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { FORM_8001_WITH_AD, insertManyLeads } from "../test/support/many-leads.ts";
import { benchWorld } from "./export.ts";

const NOW = 1_795_867_200;
const { values } = parseArgs({
  options: {
    leads: { type: "string", default: "30000" },
    rounds: { type: "string", default: "8" },
    only: { type: "string" },
    ops: { type: "string" },
  },
});
const leads = Number(values.leads);
const rounds = Number(values.rounds);
const mechanisms = values.only ? values.only.split(",") : [...FAST_PATH_MECHANISMS];
const out = (s: string) => process.stdout.write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), "leadgraph-fast-path-"));
const runtime = await createRuntime(
  loadConfig({
    db: join(dir, "bench.db"),
    secretKey: "bench-secret-key-0123456789",
    adminKey: "bench-admin-key-0123456789",
    logLevel: "silent",
    clock: `manual:${NOW}`,
  }),
);
await loadWorld(runtime.services, benchWorld());
await insertManyLeads(runtime.services.store, {
  ...FORM_8001_WITH_AD,
  count: leads,
  newest: NOW - 60,
  spacingSeconds: (80 * 86_400) / leads,
});
const app = await buildApp(runtime);
const ids = (await app.inject({ method: "GET", url: `/v25.0/8001/leads?fields=id&limit=500&access_token=EAAB-bench` }))
  .json<{ data: { id: string }[] }>()
  .data.map((l) => l.id);

const ok = (status: number, body: string) => {
  if (status !== 200) throw new Error(`${status} ${body.slice(0, 300)}`);
};

/** Each operation answers how many leads it handled. */
const operations: Record<string, () => Promise<number>> = {
  "bulk read": async () => {
    let url: string | undefined = `/v25.0/8001/leads?fields=created_time,id,ad_id,form_id,field_data&limit=500&access_token=EAAB-bench`;
    let n = 0;
    while (url && n < 10_000) {
      const res = await app.inject({ method: "GET", url });
      ok(res.statusCode, res.body);
      const page = JSON.parse(res.body) as { data: unknown[]; paging?: { next?: string } };
      n += page.data.length;
      url = page.paging?.next ? new URL(page.paging.next).pathname + new URL(page.paging.next).search : undefined;
    }
    return n;
  },
  export: async () => {
    const res = await app.inject({ method: "GET", url: "/ads/lead_gen/export_csv/?id=8001&type=form&access_token=EAAB-bench" });
    ok(res.statusCode, res.body);
    return res.body.split("\n").length - 2;
  },
  import: async () => {
    const n = 500;
    const file = join(dir, "import.csv");
    const w = createWriteStream(file);
    w.write("external_id,full_name,email\n");
    const tag = `${Date.now()}-${Math.random()}`;
    for (let i = 0; i < n; i++) w.write(`${tag}-${i},Person ${i},p${i}@example.com\n`);
    await new Promise<void>((r) => w.end(() => r()));
    const s = await importLeads(runtime.services, { file, formId: "8001", format: "csv" });
    if (s.created !== n) throw new Error(`import created ${s.created}`);
    return n;
  },
  "single GET": async () => {
    for (let i = 0; i < 500; i++) {
      const res = await app.inject({ method: "GET", url: `/v25.0/${ids[(i * 7) % ids.length]}?access_token=EAAB-bench` });
      ok(res.statusCode, res.body);
    }
    return 500;
  },
};

const gc = (globalThis as { gc?: () => void }).gc;
const measure = async (op: () => Promise<number>) => {
  // Garbage left by the previous run is collected first (with --expose-gc), so no run pays for another's.
  gc?.();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const n = await op();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { perSecond: (n * 1000) / ms, cpuUsPerLead: (used.user + used.system) / n };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (better: number, worse: number) => `${((better / worse - 1) * 100).toFixed(1).padStart(6)} %`;

out(
  `fast-path worth: ${leads} leads, ${rounds} on/off pairs per operation, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
out("Best of the pairs (least CPU per lead, highest rate) and the median; worth = what turning the mechanism off costs.");
// Warm every path (JIT, page cache) in both states before anything is timed.
for (let i = 0; i < 2; i++) {
  for (const op of Object.values(operations)) await op();
  for (const m of mechanisms) benchDisabled.add(m);
  for (const op of Object.values(operations)) await op();
  benchDisabled.clear();
}
for (const mech of mechanisms) {
  for (const [name, op] of Object.entries(operations).filter(([n]) => !values.ops || values.ops.split(",").includes(n))) {
    const on = { r: [] as number[], c: [] as number[] };
    const off = { r: [] as number[], c: [] as number[] };
    // Each pair runs back to back, its order alternating, so load drifting on a shared machine hits both alike.
    for (let pair = 0; pair < rounds; pair++) {
      for (const state of pair % 2 === 0 ? [on, off] : [off, on]) {
        if (state === off) benchDisabled.add(mech);
        else benchDisabled.delete(mech);
        const m = await measure(op);
        state.r.push(m.perSecond);
        state.c.push(m.cpuUsPerLead);
      }
    }
    benchDisabled.delete(mech);
    const best = { rOn: Math.max(...on.r), rOff: Math.max(...off.r), cOn: Math.min(...on.c), cOff: Math.min(...off.c) };
    out(
      `${mech.padEnd(16)} ${name.padEnd(10)} CPU µs/lead on ${best.cOn.toFixed(1).padStart(6)} off ${best.cOff.toFixed(1).padStart(6)} worth ${pct(best.cOff, best.cOn)} ` +
        `(median ${pct(median(off.c), median(on.c))}) | rate on ${String(Math.round(best.rOn)).padStart(6)}/s off ${String(Math.round(best.rOff)).padStart(6)}/s worth ${pct(best.rOn, best.rOff)} ` +
        `(median ${pct(median(on.r), median(off.r))}) | load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
}
await app.close();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
