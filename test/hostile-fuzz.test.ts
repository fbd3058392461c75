import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, freshDatabase, type TestDatabase } from "./support/databases.ts";
import { TEST_NOW } from "./support/harness.ts";
import { type HostileRequest, hostileRequest } from "./support/hostile-requests.ts";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { type RawAnswer, rawRequest } from "./support/raw-http.ts";
import { readWorld } from "./support/read-world.ts";

/**
 * Hostile requests over every route family against a real `leadgraph serve` with a 256 MB heap.
 * Every request must get a 4xx Graph envelope (or a documented non-Graph answer: the hosted form's
 * HTML pages, CSV exports, /healthz), never a 5xx, the process must never die, and /healthz,
 * probed throughout, must stay responsive. LEADGRAPH_FUZZ_SECONDS (per database, default 30) makes
 * a longer soak; LEADGRAPH_FUZZ_SEED replays a run.
 */
const SECONDS = Number(process.env.LEADGRAPH_FUZZ_SECONDS ?? 30);
const SEED = Number(process.env.LEADGRAPH_FUZZ_SEED ?? Date.now() % 2 ** 31);
const ADMIN_KEY = "fuzz-admin-key-0123456789";
const HEAP_MB = 256;
/** Generous for a shared 2-core CI machine; the figure printed is what matters. */
const WORST_PROBE_MS = 2_000;
const HEAP_GROWTH_MB = 96;
/** Node's default limit on the request line and headers. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Counted under this "status": the connection was reset after a head over MAX_HEAD_BYTES. */
const RESET = 0;

interface Figures {
  tried: number;
  byStatus: Map<number, number>;
  failures: string[];
  worstProbeMs: number;
  /** The fuzz request in flight when the worst probe was sent. */
  worstProbeDuring: string;
  inFlight: string;
  probes: number;
  probeFailures: number;
  /** Called when the next hostile request is sent (the probe paces itself by them). */
  onTried?: () => void;
}

describe.each(databaseKinds())("hostile fuzz against a real server with a %s database", (kind) => {
  let db: TestDatabase;
  let dir: string;
  let serve: ServeProcess;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    dir = mkdtempSync(join(tmpdir(), "leadgraph-fuzz-"));
    const world = join(dir, "world.json");
    writeFileSync(world, JSON.stringify(readWorld(10)));
    const target = "databaseUrl" in db.config ? ["--database-url", db.config.databaseUrl] : ["--db", db.config.db];
    serve = await spawnServe(
      [...target, "--secret-key", db.secretKey, "--world", world, "--clock", `manual:${TEST_NOW}`, "--log-level", "warn"],
      {
        LEADGRAPH_ADMIN_KEY: ADMIN_KEY,
        LEADGRAPH_WEBHOOK_DISPATCHER: "false",
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
      },
    );
  });
  afterAll(async () => {
    await stopServe(serve);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    `answers every request with a 4xx or a documented answer, stays up and responsive (${SECONDS} s)`,
    async () => {
      const before = await memory(serve.url);
      const figures: Figures = {
        tried: 0,
        byStatus: new Map(),
        failures: [],
        worstProbeMs: 0,
        worstProbeDuring: "",
        inFlight: "",
        probes: 0,
        probeFailures: 0,
      };
      const probing = probe(serve.url, figures);
      try {
        await fc.assert(
          fc.asyncProperty(hostileRequest(ADMIN_KEY), async (r) => {
            figures.tried++;
            figures.inFlight = label(r);
            figures.onTried?.();
            let answer: RawAnswer;
            try {
              answer = await send(serve.url, r);
            } catch (e) {
              // Node's parser stops reading at 16 KiB of request line and headers, answers 431 and
              // closes: a client still writing the rest may see the reset before the answer.
              if (headBytes(r) > MAX_HEAD_BYTES) figures.byStatus.set(RESET, (figures.byStatus.get(RESET) ?? 0) + 1);
              else figures.failures.push(`${label(r)}: no answer (${(e as Error).message})`);
              return;
            }
            figures.byStatus.set(answer.status, (figures.byStatus.get(answer.status) ?? 0) + 1);
            const problem = judge(r, answer);
            if (problem) figures.failures.push(`${label(r)}: ${problem}`);
          }),
          { seed: SEED, numRuns: 10_000_000, interruptAfterTimeLimit: SECONDS * 1000, endOnFailure: true },
        );
      } finally {
        probing.stop();
        await probing.done;
      }
      const after = await memory(serve.url);
      const heapGrowthMb = (after.heap - before.heap) / 2 ** 20;
      const rssGrowthMb = (after.rss - before.rss) / 2 ** 20;
      const statuses = [...figures.byStatus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s === RESET ? "reset-after-431" : s}:${n}`)
        .join(" ");
      const crashed = serve.proc.exitCode !== null || serve.proc.signalCode !== null;
      process.stdout.write(
        `hostile fuzz (${kind}, seed ${SEED}, ${SECONDS} s, heap ${HEAP_MB} MB): ${figures.tried} requests tried; answers ${statuses}; ` +
          `worst /healthz ${figures.worstProbeMs.toFixed(0)} ms over ${figures.probes} probes (${figures.probeFailures} failed); ` +
          `heap growth ${heapGrowthMb.toFixed(1)} MB, RSS growth ${rssGrowthMb.toFixed(1)} MB; crashes ${crashed ? 1 : 0}\n` +
          `  (worst probe sent during: ${figures.worstProbeDuring.slice(0, 200)})\n`,
      );

      expect(crashed, serve.output().slice(-2000)).toBe(false);
      expect(figures.failures.slice(0, 10)).toEqual([]);
      expect(figures.tried).toBeGreaterThan(100);
      expect(figures.probeFailures).toBe(0);
      expect(figures.worstProbeMs).toBeLessThan(WORST_PROBE_MS);
      expect(heapGrowthMb).toBeLessThan(HEAP_GROWTH_MB);
      expect(serve.output()).not.toMatch(/heap out of memory|unhandled error|uncaught/i);
    },
    (SECONDS + 120) * 1000,
  );
});

/**
 * Bytes of the head as Node's parser counts them against its 16 KiB limit: the request line and
 * every header, the framing header included.
 */
const headBytes = (r: HostileRequest) => headOf(r).length;

/** The request line and headers exactly as sent. */
function headOf(r: HostileRequest): Buffer {
  const lines = r.headers.map(([k, v]) => `${k}: ${v}\r\n`);
  if (r.body !== undefined) lines.push(r.chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${r.body.length}\r\n`);
  return Buffer.concat([
    Buffer.from(`${r.method} `),
    r.target,
    Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
    Buffer.from(`${lines.join("")}\r\n`),
  ]);
}

function send(url: string, r: HostileRequest): Promise<RawAnswer> {
  const head = headOf(r);
  const body: Buffer[] = [];
  if (r.body !== undefined) {
    const step = 64 * 1024;
    for (let at = 0; at < r.body.length; at += step) {
      const part = r.body.subarray(at, at + step);
      body.push(r.chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")]) : part);
    }
    if (r.chunked) body.push(Buffer.from("0\r\n\r\n"));
  }
  return rawRequest(url, head, body, 30_000);
}

/** Why an answer is wrong, or undefined when it is one the documentation allows. */
function judge(r: HostileRequest, a: RawAnswer): string | undefined {
  if (a.status >= 500) return `HTTP ${a.status}: ${a.body.slice(0, 300)}`;
  const type = a.headers["content-type"] ?? "";
  const target = r.target.toString("latin1");
  // The hosted form answers HTML pages (its own error pages included), the export CSV or TSV.
  if (target.startsWith("/forms/") && type.startsWith("text/html")) return undefined;
  if (target.startsWith("/ads/lead_gen/export_csv/") && a.status === 200) return undefined;
  if (a.status < 400) return type.startsWith("application/json") ? undefined : `HTTP ${a.status} answered ${type}`;
  if (type !== "application/json; charset=UTF-8") return `HTTP ${a.status} answered ${type}: ${a.body.slice(0, 200)}`;
  let body: { error?: { message?: unknown; code?: unknown; type?: unknown; fbtrace_id?: unknown } };
  try {
    body = JSON.parse(a.body);
  } catch {
    return `HTTP ${a.status} with a body that is not JSON: ${a.body.slice(0, 200)}`;
  }
  const e = body.error;
  if (e === undefined || typeof e.message !== "string" || !Number.isInteger(e.code) || typeof e.type !== "string")
    return `not a Graph envelope: ${a.body.slice(0, 200)}`;
  if (e.fbtrace_id !== a.headers["x-fb-trace-id"]) return "fbtrace_id differs from x-fb-trace-id";
  if (/at \w+ \(|node_modules|FST_/.test(a.body)) return `internals in the answer: ${a.body.slice(0, 200)}`;
  return undefined;
}

const label = (r: HostileRequest) =>
  `${r.family} ${r.method} ${r.target.toString("latin1").slice(0, 160)} [${r.headers.find(([k]) => k === "content-type")?.[1] ?? "no body type"}, ${r.body?.length ?? 0} bytes${r.chunked ? ", chunked" : ""}]`;

/** Probes /healthz every 100 ms on its own connection until stopped, keeping the worst latency. */
function probe(url: string, figures: Figures) {
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const during = figures.inFlight;
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await res.text();
        if (res.status !== 200) figures.probeFailures++;
      } catch {
        figures.probeFailures++;
      }
      const ms = performance.now() - started;
      if (ms > figures.worstProbeMs) {
        figures.worstProbeMs = ms;
        figures.worstProbeDuring = during;
      }
      figures.probes++;
      // The next probe goes out with the next hostile request, so every probe meets the load, on
      // a fast machine or a slow one, and no clock paces it.
      await new Promise<void>((r) => {
        figures.onTried = r;
        if (!running) r();
      });
    }
  })();
  return {
    done,
    stop: () => {
      running = false;
      figures.onTried?.();
    },
  };
}

async function memory(url: string): Promise<{ heap: number; rss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { heap: read("leadgraph_nodejs_heap_size_used_bytes"), rss: read("leadgraph_process_resident_memory_bytes") };
}
