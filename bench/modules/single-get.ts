import type { BenchModule } from "../bench-module.ts";
import { leadId } from "../build-leads.ts";
import { startHelloServer } from "../hello-server.ts";
import { requestsPerSecond } from "../load.ts";
import { primePageCache } from "../page-cache.ts";

const CONNECTIONS = 16;

/** `GET /{lead-id}` requests/s vs a Fastify hello-world on the same machine, same load loop. */
export const singleGet: BenchModule = {
  name: "single-get",
  description: "GET /{lead-id} req/s vs a Fastify hello-world (16 keep-alive connections)",
  async run(ctx) {
    const hello = await startHelloServer();
    const helloUrl = hello.url;
    const { server } = ctx;
    let n = 0;
    // Spread over the newest 80% so every id is inside retention; a fixed stride keeps runs comparable.
    const pick = () => leadId(Math.floor(ctx.leads * 0.2) + ((n++ * 7919) % Math.floor(ctx.leads * 0.8)));
    const leadPath = () => `/v25.0/${pick()}?access_token=${server.token}`;
    // Baseline before and after the subject, averaged: the machine's load drifts during a run.
    const half = { connections: CONNECTIONS, seconds: ctx.seconds / 2 };
    // Both servers warm up untimed first (JIT, SQLite's page cache): a leadgraph server answers its
    // first few seconds of reads a third slower than the next ones.
    const warmup = { connections: CONNECTIONS, seconds: Math.min(3, ctx.seconds / 2) };
    if (server.db === "sqlite") primePageCache(server.file);
    await requestsPerSecond(helloUrl, () => "/", warmup);
    await requestsPerSecond(server.url, leadPath, warmup);
    const before = await requestsPerSecond(helloUrl, () => "/", half);
    const value = await requestsPerSecond(server.url, leadPath, { connections: CONNECTIONS, seconds: ctx.seconds });
    const after = await requestsPerSecond(helloUrl, () => "/", half);
    await hello.close();
    const baseline = (before + after) / 2;
    return [
      {
        name: "single GET /{lead-id}",
        value,
        unit: "req/s",
        baseline: { name: "Fastify hello-world", value: baseline },
        ratio: value / baseline,
        target: { op: ">=", value: 0.25 },
      },
    ];
  },
};
