import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { HttpModule } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { isMigrated, pingDatabase } from "../storage/index.ts";
import { routeLabel } from "./route-label.ts";

/** A load balancer marks an instance down quickly; a slow database counts as unreachable. */
const READY_DB_TIMEOUT_MS = 2000;

/**
 * Operations surface: `/healthz` (the process answers), `/readyz` (database reachable, schema
 * migrated, this instance not stepped down), `/metrics` (Prometheus text), and request metrics for
 * every route of the app.
 */
export const opsRoutes: HttpModule = async (app, runtime) => {
  recordRequestMetrics(app, runtime);

  app.get("/healthz", async (_req, reply) => reply.header("cache-control", "no-store").send({ status: "ok" }));

  let migrated = false;
  app.get("/readyz", async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ready: boolean;
    try {
      await pingDatabase(runtime.connection.db, READY_DB_TIMEOUT_MS);
      checks.database = "ok";
      // A schema once complete stays complete for this code; only the ping is repeated.
      migrated ||= await isMigrated(runtime.connection.db);
      checks.migrations = migrated ? "ok" : "pending";
      ready = migrated;
    } catch (e) {
      // A database fault reaches here as Graph's transient error; the probe shows the driver's words.
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
      checks.database = `unreachable: ${cause instanceof Error ? cause.message : String(cause)}`;
      ready = false;
    }
    // An instance that lost its node number mints ids another instance may mint too: out of rotation.
    const standing = runtime.instance;
    checks.instance = standing.active ? "ok" : `stepped down: ${standing.problem ?? "no reason given"}`;
    ready &&= standing.active;
    return reply
      .code(ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send({ status: ready ? "ok" : "unavailable", checks });
  });

  const metricsToken = runtime.config.metricsToken === undefined ? undefined : Buffer.from(runtime.config.metricsToken);
  app.get("/metrics", async (req, reply) => {
    if (metricsToken !== undefined) {
      const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? "")?.[1] ?? "");
      if (given.length !== metricsToken.length || !timingSafeEqual(given, metricsToken)) {
        return reply
          .code(401)
          .header("www-authenticate", 'Bearer realm="leadgraph metrics"')
          .header("content-type", "text/plain; charset=utf-8")
          .send("/metrics needs the metrics token: send it as Authorization: Bearer <token> (LEADGRAPH_METRICS_TOKEN).\n");
      }
    }
    const { contentType, body } = await runtime.metrics.render();
    return reply.header("content-type", contentType).header("cache-control", "no-store").send(body);
  });
};

function recordRequestMetrics(app: FastifyInstance, runtime: Runtime): void {
  // A callback hook: an async one costs every request a promise.
  app.addHook("onResponse", (req, reply, done) => {
    recordRequest(runtime, req.method, req.routeOptions.url, req.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** One answered request in the request metrics, by its route pattern (`/*` for Graph paths). */
export function recordRequest(
  runtime: Runtime,
  method: string,
  pattern: string | undefined,
  url: string,
  status: number,
  seconds: number,
): void {
  runtime.metrics.observeRequest(method, routeLabel(pattern, url, status), status, seconds);
}
