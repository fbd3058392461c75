/**
 * `npx tsx bench/round-trips.ts`: how many statements (each one round trip to PostgreSQL) a lead
 * read, a lead list page and a test-lead write cost once the instance is warm (directory cached,
 * the page's rate-limit block open), counted at the driver. LEADGRAPH_BENCH_PG_URL names the server.
 */
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { countPgStatements, statementsSent } from "../test/support/pg-statements.ts";
import { exampleWorld } from "../test/support/worlds.ts";
import { freshBenchDatabase } from "./pg-database.ts";

countPgStatements();

const db = await freshBenchDatabase();
try {
  // Page 3001 with 5,000 recent leads: a budget large enough for reads to be charged in blocks.
  const runtime = await createRuntime(
    loadConfig({ db: ":unused:", databaseUrl: db.url, secretKey: "bench-secret-key-0123456789", logLevel: "silent", port: 0 }),
  );
  await loadWorld(runtime.services, exampleWorld(5_000));
  const app = await buildApp(runtime);
  const cases: [string, "GET" | "POST", string][] = [
    ["lead read (GET /{lead-id})", "GET", "/9001?access_token=EAAB-page-acme"],
    ["lead list page (GET /{form-id}/leads, limit 25)", "GET", "/8001/leads?fields=id,created_time,field_data&access_token=EAAB-page-acme"],
    ["test-lead write (POST /{form-id}/test_leads)", "POST", "/{form}/test_leads?access_token=EAAB-page-acme"],
  ];
  for (const [name, method, url] of cases) {
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      // One test lead per form at a time: each write gets a new form (made before counting).
      const form =
        method === "POST"
          ? (
              await app.inject({
                method: "POST",
                url: "/3001/leadgen_forms?access_token=EAAB-page-acme",
                payload: { name: `F${i}`, questions: [{ type: "EMAIL" }] },
              })
            ).json<{ id: string }>().id
          : "";
      const before = statementsSent();
      const res = await app.inject({ method, url: url.replace("{form}", form) });
      if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
      counts.push(statementsSent() - before);
    }
    process.stdout.write(`${name}: ${counts.join(", ")} statements (first runs warm the caches)\n`);
  }
  // A visitor's submit of the hosted form: its page (not counted) hands out the submit token.
  const counts: number[] = [];
  for (let i = 0; i < 6; i++) {
    const page = await app.inject({ method: "GET", url: "/forms/8002" });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;
    const before = statementsSent();
    const res = await app.inject({
      method: "POST",
      url: "/forms/8002",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        _token: token,
        "answer:email": `v${i}@example.com`,
      }).toString(),
    });
    if (res.statusCode !== 200) throw new Error(`hosted-form submit: ${res.statusCode} ${res.body.slice(0, 300)}`);
    counts.push(statementsSent() - before);
  }
  process.stdout.write(`hosted-form submit (POST /forms/{form-id}): ${counts.join(", ")} statements (first runs warm the caches)\n`);
  await app.close();
  await runtime.close();
} finally {
  await db.drop();
}
