import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { databaseKinds, freshDatabase } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

describe.each(databaseKinds())("operations endpoints (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  it("answers /healthz and /readyz", async () => {
    expect(await h.graph("GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await h.graph("GET", "/readyz")).toMatchObject({
      status: 200,
      body: { status: "ok", checks: { database: "ok", migrations: "ok" } },
    });
  });

  it("counts requests by route and status, with latency", async () => {
    await h.graph("GET", "/v25.0/9001", { token: "EAAB-page-acme" });
    await h.graph("GET", "/v25.0/8001/leads", { token: "EAAB-page-acme" });
    await h.graph("GET", "/v25.0/9001", { token: "EAAB-page-other" });
    await h.graph("GET", "/v25.0/secret_probe_words/here", { token: "EAAB-page-acme" });
    const res = await h.graph("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toContain("text/plain");
    const text = res.body as string;
    expect(text).toMatch(/leadgraph_http_requests_total\{method="GET",route="graph \/\{id\}",status="200"\} 1\n/);
    expect(text).toMatch(/leadgraph_http_requests_total\{method="GET",route="graph \/\{id\}\/leads",status="200"\} 1\n/);
    expect(text).toMatch(/leadgraph_http_requests_total\{method="GET",route="graph \/\{id\}",status="400"\} 1\n/);
    // Made-up words on failed paths are folded, so clients cannot grow the label set.
    expect(text).not.toContain("secret_probe_words");
    expect(text).toMatch(/leadgraph_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1\n/);
    expect(text).toMatch(/leadgraph_http_request_duration_seconds_count\{method="GET",route="graph \/\{id\}",status="200"\} 1\n/);
    for (const name of ["leadgraph_rate_limit_refusals_total", "leadgraph_webhook_deliveries_total", "leadgraph_webhook_queue_depth"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts leads written through LeadIntake, and queue figures from the dispatcher's probe", async () => {
    await h.runtime.services.intake.create(
      [
        { formId: "8001", fieldData: [{ name: "full_name", values: ["A"] }] },
        { formId: "8001", fieldData: [{ name: "full_name", values: ["B"] }] },
      ],
      { source: "admin", fireWebhooks: true },
    );
    h.runtime.metrics.webhookQueueProbe(async () => ({ depth: 7, oldestAgeSeconds: 42 }));
    h.runtime.services.metrics.webhookDelivery("delivered", 0.2);
    h.runtime.services.metrics.rateLimitRefused("lead_read");
    const text = (await h.graph("GET", "/metrics")).body as string;
    expect(text).toMatch(/leadgraph_leads_created_total\{source="admin"\} 2\n/);
    // The world file's two leads went through LeadIntake too.
    expect(text).toMatch(/leadgraph_leads_created_total\{source="world"\} 2\n/);
    expect(text).toMatch(/leadgraph_webhook_queue_depth 7\n/);
    expect(text).toMatch(/leadgraph_webhook_queue_oldest_age_seconds 42\n/);
    expect(text).toMatch(/leadgraph_webhook_deliveries_total\{outcome="delivered"\} 1\n/);
    expect(text).toMatch(/leadgraph_rate_limit_refusals_total\{limit="lead_read"\} 1\n/);
  });

  it("reports the database pool where there is one", async () => {
    const text = (await h.graph("GET", "/metrics")).body as string;
    if (kind === "postgres") {
      expect(text).toMatch(/leadgraph_db_pool_connections\{state="total"\} [1-9]\d*\n/);
      expect(text).toMatch(/leadgraph_db_pool_waiting_requests 0\n/);
    } else {
      expect(text).not.toMatch(/leadgraph_db_pool_connections\{/);
    }
  });

  it("counts SQLite's fsynced commits and the lead writes they held (group commit)", async () => {
    const figure = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
    const before = (await h.graph("GET", "/metrics")).body as string;
    // Three writes asked for in one turn of the event loop share one commit on SQLite.
    await Promise.all(
      [1, 2, 3].map((i) =>
        h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: [`G${i}`] }] }], {
          source: "admin",
          fireWebhooks: false,
        }),
      ),
    );
    const after = (await h.graph("GET", "/metrics")).body as string;
    const moved = (name: string) => figure(after, name) - figure(before, name);
    if (kind === "sqlite") {
      expect(moved("leadgraph_sqlite_durable_transactions_total")).toBe(3);
      expect(moved("leadgraph_sqlite_durable_commits_total")).toBe(1);
    } else {
      expect(figure(after, "leadgraph_sqlite_durable_commits_total")).toBe(0);
    }
  });

  it("lists the instances on the database for the admin key only", async () => {
    expect((await h.graph("GET", "/_leadgraph/admin/instances")).status).toBe(401);
    const res = await h.graph("GET", "/_leadgraph/admin/instances", { headers: { authorization: `Bearer ${h.runtime.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([expect.objectContaining({ node: h.runtime.instanceNode, self: true })]);
  });
});

describe.each(databaseKinds())("runtime close hooks and readiness (%s)", (kind) => {
  it("runs close hooks newest first while the database is still open, then releases the node", async () => {
    const db = await freshDatabase(kind);
    try {
      const config = loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" });
      const rt = await createRuntime(config);
      const other = await createRuntime(config);
      const order: string[] = [];
      rt.onClose(async () => {
        // Still able to use the database: the dispatcher releases its leases here.
        order.push(`first:${(await rt.services.store.settings.get("cursor_secret")) !== undefined}`);
      });
      rt.onClose(() => {
        order.push("second");
      });
      await Promise.all([rt.close(), rt.close()]);
      expect(order).toEqual(["second", "first:true"]);
      const rows = await sql<{ node: number }>`select node from instances`.execute(other.connection.db);
      expect(rows.rows.map((r) => Number(r.node))).toEqual([other.instanceNode]);
      await other.close();
    } finally {
      await db.drop();
    }
  });

  it("answers /readyz 503 while migrations are pending", async () => {
    const h = await startHarness(kind);
    try {
      await sql`delete from leadgraph_migrations`.execute(h.runtime.connection.db);
      const res = await h.graph("GET", "/readyz");
      expect(res).toMatchObject({ status: 503, body: { status: "unavailable", checks: { database: "ok", migrations: "pending" } } });
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!databaseKinds().includes("postgres"))("readiness without a database (postgres)", () => {
  it("answers /readyz 503 quickly when the database is gone, /healthz still 200", async () => {
    const h = await startHarness("postgres");
    try {
      await h.db.drop();
      const started = Date.now();
      const res = await h.graph("GET", "/readyz");
      expect(res.status).toBe(503);
      expect(res.body.checks.database).toMatch(/^unreachable: /);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await h.graph("GET", "/healthz")).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe("/metrics behind a token", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite", { config: { metricsToken: "metrics-token-for-tests-01" } });
  });
  afterAll(async () => h?.close());

  it("refuses without the token or with another, and answers with it", async () => {
    const none = await h.app.inject({ method: "GET", url: "/metrics" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="leadgraph metrics"');
    expect(none.body).toContain("LEADGRAPH_METRICS_TOKEN");
    expect(none.body).not.toContain("leadgraph_");
    const wrong = await h.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer metrics-token-for-tests-02" } });
    expect(wrong.statusCode).toBe(401);
    const right = await h.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer metrics-token-for-tests-01" } });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain("leadgraph_http_requests_total");
  });
});
