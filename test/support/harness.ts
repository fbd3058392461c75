import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { type Clock, ManualClock } from "../../src/domain/clock.ts";
import type { WallClock } from "../../src/contract/wall-clock.ts";
import { buildApp } from "../../src/http/app.ts";
import { loadConfig, type ConfigInput } from "../../src/runtime/config.ts";
import { createRuntime, type Runtime, type RuntimeOverrides } from "../../src/runtime/runtime.ts";
import { loadWorld } from "../../src/world/load-world.ts";
import type { WorldInput } from "../../src/world/world-schema.ts";
import { freshDatabase, type TestDatabase } from "./databases.ts";

export interface Harness {
  db: TestDatabase;
  runtime: Runtime;
  app: FastifyInstance;
  clock: ManualClock;
  /** `http://127.0.0.1:<port>` once `listen()` was called. */
  url: string;
  listen(): Promise<string>;
  /** GET/POST/DELETE through app.inject, parsed. */
  graph(
    method: "GET" | "POST" | "DELETE",
    path: string,
    opts?: { query?: Record<string, string>; body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Fixed "now" for tests: 2026-11-28T12:00:00Z. */
export const TEST_NOW = 1_795_867_200;

/**
 * A real runtime on a fresh database (SQLite file or PostgreSQL) with a frozen clock, optionally
 * seeded with a world, and the Fastify app (inject, or a real socket after listen()).
 */
export async function startHarness(
  kind: "sqlite" | "postgres",
  opts: {
    world?: WorldInput;
    config?: ConfigInput;
    clock?: Clock;
    wallClock?: WallClock;
    resolveHost?: RuntimeOverrides["resolveHost"];
  } = {},
): Promise<Harness> {
  const db = await freshDatabase(kind);
  const clock = opts.clock instanceof ManualClock ? opts.clock : new ManualClock(TEST_NOW * 1000);
  const config = loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent", port: 0, ...opts.config });
  const runtime = await createRuntime(config, {
    clock,
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    ...(opts.resolveHost ? { resolveHost: opts.resolveHost } : {}),
  });
  if (opts.world) await loadWorld(runtime.services, opts.world);
  let url = "";
  let app = await buildApp(runtime, { publicUrl: "http://leadgraph.test" });
  const h: Harness = {
    db,
    runtime,
    app,
    clock,
    get url() {
      return url;
    },
    async listen() {
      // Paging links must point at the real socket: without a public URL the app takes it from the
      // socket it is bound to, so it listens on port 0 and no other process can take the port first.
      await app.close();
      app = await buildApp(runtime);
      h.app = app;
      await app.listen({ port: 0, host: "127.0.0.1" });
      url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      return url;
    },
    async graph(method, path, o = {}) {
      const query = { ...(o.query ?? {}) };
      if (o.token !== undefined) query.access_token = o.token;
      const res = await h.app.inject({
        method,
        url: path,
        query,
        ...(o.body !== undefined ? { payload: o.body as string | object } : {}),
        headers: o.headers ?? {},
      });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        // non-JSON answers (CSV, HTML) are returned as text
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
    async close() {
      await h.app.close();
      await runtime.close();
      await db.drop();
    },
  };
  return h;
}
