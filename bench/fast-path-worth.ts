/**
 * What each mechanism of the storage fast path is worth (docs/benchmarks.md, "Storage fast path:
 * what each mechanism is worth"). One process, one SQLite database, the operations users wait on
 * driven through the app (bulk read by paging.next, CSV export, `leadgraph import`) plus single GETs;
 * each mechanism is turned off and on in alternation (A B B A A B…, so drift in the machine's load
 * hits both alike), and each run records wall time and this process's CPU time per lead.
 * Run: `npx tsx bench/fast-path-worth.ts [--leads 30000] [--rounds 3] [--only mech1,mech2]`.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { importLeads } from "../src/import/import-leads.ts";
import { buildApp } from "../src/http/app.ts";
import { benchDisabled, FAST_PATH_MECHANISMS } from "../src/ops/bench-switches.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { insertManyLeads } from "../test/support/many-leads.ts";
import { benchWorld } from "./export.ts";

const NOW = 1_795_867_200;
const { values } = parseArgs({ options: { leads: { type: "string", default: "30000" }, rounds: { type: "string", default: "3" }, only: { type: "string" } } });
const leads = Number(values.leads);
const rounds = Number(values.rounds);
const mechanisms = values.only ? values.only.split(",") : [...FAST_PATH_MECHANISMS];
const out = (s: string) => process.stdout.write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), "leadgraph-fast-path-"));
const runtime = await createRuntime(loadConfig({
  db: join(dir, "bench.db"), secretKey: "bench-secret-key-0123456789", adminKey: "bench-admin-key-0123456789", logLevel: "silent", clock: `manual:${NOW}`,
}));
await loadWorld(runtime.services, benchWorld());
await insertManyLeads(runtime.services.store, {
  formId: "8001", pageId: "3001", adId: "7001", adsetId: "6001", campaignId: "5001", accountId: "act_4001",
  count: leads, newest: NOW - 60, spacingSeconds: (80 * 86_400) / leads,
});
const app = await buildApp(runtime);
const ids = (await app.inject({ method: "GET", url: `/v25.0/8001/leads?fields=id&limit=500&access_token=EAAB-bench` })).json<{ data: { id: string }[] }>().data.map((l) => l.id);

const ok = (status: number, body: string) => {
  if (status !== 200) throw new Error(`${status} ${body.slice(0, 300)}`);
};

/** Each operation answers how many leads it handled. */
const operations: Record<string, () => Promise<number>> = {
  "bulk read": async () => {
    let url: string | undefined = `/v25.0/8001/leads?fields=created_time,id,ad_id,form_id,field_data&limit=500&access_token=EAAB-bench`;
    let n = 0;
    while (url && n < 20_000) {
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
    const n = 1000;
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
    for (let i = 0; i < 1000; i++) {
      const res = await app.inject({ method: "GET", url: `/v25.0/${ids[(i * 7) % ids.length]}?access_token=EAAB-bench` });
      ok(res.statusCode, res.body);
    }
    return 1000;
  },
};

const measure = async (op: () => Promise<number>) => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const n = await op();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { perSecond: (n * 1000) / ms, cpuUsPerLead: (used.user + used.system) / n };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

out(`fast-path worth: ${leads} leads, ${rounds} rounds per state, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
// Warm every path once (JIT, page cache) before anything is timed.
for (let i = 0; i < 3; i++) for (const op of Object.values(operations)) await op();
for (const mech of mechanisms) {
  const seen: Record<string, { on: { r: number[]; c: number[] }; off: { r: number[]; c: number[] } }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const state of round % 2 === 0 ? ["on", "off"] as const : ["off", "on"] as const) {
      if (state === "off") benchDisabled.add(mech);
      else benchDisabled.delete(mech);
      for (const [name, op] of Object.entries(operations)) {
        const m = await measure(op);
        const s = (seen[name] ??= { on: { r: [], c: [] }, off: { r: [], c: [] } })[state];
        s.r.push(m.perSecond);
        s.c.push(m.cpuUsPerLead);
      }
    }
  }
  benchDisabled.delete(mech);
  for (const [name, s] of Object.entries(seen)) {
    const [rOn, rOff, cOn, cOff] = [median(s.on.r), median(s.off.r), median(s.on.c), median(s.off.c)];
    out(`${mech.padEnd(16)} ${name.padEnd(10)} on ${Math.round(rOn)}/s ${cOn.toFixed(1)} µs CPU/lead | off ${Math.round(rOff)}/s ${cOff.toFixed(1)} µs CPU/lead | ` +
      `worth: ${(((rOn / rOff) - 1) * 100).toFixed(1)} % rate, ${(((cOff / cOn) - 1) * 100).toFixed(1)} % CPU  (load ${loadavg()[0]!.toFixed(1)})`);
  }
}
await app.close();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
