import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Agent, request } from "undici";
import type { DispatcherOptions } from "../src/dispatcher/dispatcher.ts";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { serializeLeadgenBody } from "../src/domain/webhooks/payload.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";

export interface WebhooksBenchOptions {
  /** Lead rates (leads/s) of the latency runs. */
  rates?: number[];
  /** Seconds per latency run. */
  seconds?: number;
  /** Leads of the throughput run. */
  backlog?: number;
  /** Database: a SQLite file in a temp dir unless a PostgreSQL URL is given. */
  databaseUrl?: string;
  /** Dispatcher options over the configured defaults (to compare lingers, say). */
  dispatcher?: Partial<DispatcherOptions>;
}

export interface WebhooksBenchResult {
  name: "webhooks";
  latency: { rate: number; leads: number; p50Ms: number; p99Ms: number; maxMs: number }[];
  throughput: { leads: number; seconds: number; leadsPerSecond: number; posts: number };
  baseline: { posts: number; seconds: number; postsPerSecond: number };
}

const WORLD = {
  apps: [{ id: "1001", name: "Bench CRM", secret: "bench-secret", mode: "live" as const }],
  users: [{ id: "2001", name: "Bench User" }],
  pages: [{ id: "3001", name: "Bench Page", category: "Business", roles: [{ user_id: "2001", tasks: ["MANAGE", "ADVERTISE"] }] }],
  forms: [{ id: "8001", page_id: "3001", name: "Bench form", questions: [{ type: "EMAIL" }], created_time: "2026-06-01T00:00:00+0000" }],
  subscribed_apps: [{ page_id: "3001", app_id: "1001", subscribed_fields: ["leadgen"] }],
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * End-to-end webhook latency (lead committed → receiver's 200) at fixed lead rates, delivered
 * leads/s for a backlog with batching, and a baseline of raw single-lead HTTP POSTs to the same
 * receiver from the same process.
 */
export async function benchWebhooks(opts: WebhooksBenchOptions = {}): Promise<WebhooksBenchResult> {
  // 500 leads/s is the rate of the p99 target; 200 and 1,000 either side of it.
  const rates = opts.rates ?? [200, 500, 1000];
  const seconds = opts.seconds ?? 5;
  const backlog = opts.backlog ?? 20_000;
  const arrivals = new Map<string, number>();
  let posts = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET") {
        res.end(new URL(req.url ?? "/", "http://x").searchParams.get("hub.challenge") ?? "");
        return;
      }
      posts++;
      const now = performance.now();
      try {
        for (const e of JSON.parse(Buffer.concat(chunks).toString()).entry)
          for (const c of e.changes) arrivals.set(c.value.leadgen_id, now);
      } catch {
        // baseline bodies are counted only
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;

  const dir = mkdtempSync(join(tmpdir(), "leadgraph-bench-"));
  const config = loadConfig({
    db: join(dir, "bench.db"),
    logLevel: "silent",
    secretKey: "bench-secret-key-0123456789",
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
  });
  const runtime = await createRuntime(config);
  await loadWorld(runtime.services, {
    ...WORLD,
    subscriptions: [{ app_id: "1001", object: "page", callback_url: url, fields: ["leadgen"], verify_token: "vt" }],
  });
  const intake = runtime.services.intake;
  const lead = () => ({ formId: "8001", fieldData: [{ name: "email", values: ["bench@example.com"] }] });
  const result: WebhooksBenchResult = {
    name: "webhooks",
    latency: [],
    throughput: { leads: 0, seconds: 0, leadsPerSecond: 0, posts: 0 },
    baseline: { posts: 0, seconds: 0, postsPerSecond: 0 },
  };

  try {
    let dispatcher = createDispatcher(runtime, opts.dispatcher);
    dispatcher.start();
    for (const rate of rates) {
      const created = new Map<string, number>();
      const tickMs = Math.max(10, 1000 / rate);
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      const started = performance.now();
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * tickMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        for (const id of await intake.create(Array.from({ length: perTick }, lead), { source: "admin", fireWebhooks: true }))
          created.set(id, t0);
      }
      const deadline = performance.now() + 30_000;
      while ([...created.keys()].some((id) => !arrivals.has(id)) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const lat = [...created]
        .filter(([id]) => arrivals.has(id))
        .map(([id, t]) => arrivals.get(id)! - t)
        .sort((a, b) => a - b);
      result.latency.push({
        rate,
        leads: created.size,
        p50Ms: round(percentile(lat, 50)),
        p99Ms: round(percentile(lat, 99)),
        maxMs: round(lat.at(-1) ?? NaN),
      });
    }
    await dispatcher.stop();

    // Throughput: a backlog written while no dispatcher runs, then drained.
    const backlogIds: string[] = [];
    for (let i = 0; i < backlog; i += 1000) {
      backlogIds.push(
        ...(await intake.create(Array.from({ length: Math.min(1000, backlog - i) }, lead), { source: "admin", fireWebhooks: true })),
      );
    }
    const postsBefore = posts;
    const t0 = performance.now();
    dispatcher = createDispatcher(runtime, opts.dispatcher);
    dispatcher.start();
    const deadline = performance.now() + 120_000;
    while (backlogIds.some((id) => !arrivals.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const secs = (performance.now() - t0) / 1000;
    await dispatcher.stop();
    result.throughput = { leads: backlog, seconds: round(secs), leadsPerSecond: Math.round(backlog / secs), posts: posts - postsBefore };

    // Baseline: raw single-lead POSTs, 8 in flight, for the same receiver.
    const agent = new Agent({ connections: 64 });
    const body = serializeLeadgenBody("3001", 1, [{ leadId: "1", pageId: "3001", formId: "8001", adId: null, createdTime: 1 }]);
    const n = Math.min(backlog, 5000);
    let sent = 0;
    const b0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < n) {
          sent++;
          const res = await request(url, { method: "POST", body, headers: { "content-type": "application/json" }, dispatcher: agent });
          await res.body.dump();
        }
      }),
    );
    const bsecs = (performance.now() - b0) / 1000;
    await agent.close();
    result.baseline = { posts: n, seconds: round(bsecs), postsPerSecond: Math.round(n / bsecs) };
  } finally {
    await runtime.close();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const round = (x: number) => Math.round(x * 10) / 10;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchWebhooks({ seconds: Number(process.env.BENCH_SECONDS ?? 5), backlog: Number(process.env.BENCH_BACKLOG ?? 20_000) });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
