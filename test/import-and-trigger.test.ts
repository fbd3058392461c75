import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLeads } from "../src/import/import-leads.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const run = promisify(execFile);
const PAGE = "EAAB-page-acme";
const ROWS = 100_000;

/** Row i of the big file; a few are bad on purpose, each a different way. */
function csvRow(i: number): string {
  const make = i % 10_000 === 5 ? "tesla" : i % 2 === 0 ? "honda" : "kia";
  const created = i === 50_001 ? "yesterday" : String(TEST_NOW - 86_400 - i);
  const ad = i === 70_000 ? "424242" : i % 3 === 0 ? "7001" : "";
  const extra = i === 90_000 ? ",surplus" : "";
  return `ext-${i},${created},${ad},${i % 4 === 0 ? "ig" : "fb"},"Person ${i}, ""the"" tester",p${i}@example.com,${make},99213450,${i % 2}${extra}\n`;
}
const BAD_LINES = [...Array.from({ length: ROWS / 10_000 }, (_, k) => k * 10_000 + 5), 50_001, 70_000, 90_000]
  .map((i) => i + 2)
  .sort((a, b) => a - b);

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write("external_id,created_time,ad_id,platform,full_name,email,car_make,selected_dealer,optional_1\n");
  for (let i = 0; i < ROWS; i++) if (!out.write(csvRow(i))) await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

describe.each(databaseKinds())("bulk import and trigger (%s)", (kind) => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    dir = mkdtempSync(join(tmpdir(), "leadgraph-import-"));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[]) =>
    run(process.execPath, ["bin/leadgraph.js", ...args], {
      env: { ...process.env, LEADGRAPH_ADMIN_KEY: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
  const dbArgs = () => {
    const c = h.db.config as { db: string; databaseUrl?: string };
    return [...(c.databaseUrl ? ["--database-url", c.databaseUrl] : ["--db", c.db]), "--secret-key", h.db.secretKey];
  };

  it("imports 100,000 CSV rows, reports the bad ones by line, and a re-run adds nothing", async () => {
    const file = join(dir, "leads.csv");
    await writeCsv(file);
    const count = async () => (await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count" } })).body.leads_count;
    const before = await count();
    let progressCalls = 0;
    const summary = await importLeads(h.runtime.services, { file, formId: "8001", format: "csv", onProgress: () => progressCalls++ });
    expect(summary.bad.map((b) => b.line)).toEqual(BAD_LINES);
    expect(summary.bad.find((b) => b.line === 7)!.message).toBe(
      'field_data[2].values[0]: must be an option key of "car_make" (honda, kia) - got "tesla"',
    );
    expect(summary.bad.find((b) => b.line === 50_003)!.message).toMatch(/^created_time must be unix seconds/);
    expect(summary.bad.find((b) => b.line === 70_002)!.message).toBe("ad_id: no ad with id 424242");
    expect(summary.bad.find((b) => b.line === 90_002)!.message).toMatch(/different number of columns/);
    expect(summary).toMatchObject({ rows: ROWS, created: ROWS - BAD_LINES.length, skipped: 0 });
    expect(progressCalls).toBeGreaterThan(50);
    expect(await count()).toBe(before + ROWS - BAD_LINES.length);

    const [ext3] = (await h.runtime.services.store.leads.findByExternalIds("8001", ["ext-3"])).values();
    const lead = (
      await h.graph("GET", `/${ext3}`, {
        token: "EAAB-user-ann",
        query: { fields: "ad_id,platform,created_time,field_data,custom_disclaimer_responses" },
      })
    ).body;
    expect(lead).toEqual({
      id: ext3,
      ad_id: "7001",
      platform: "fb",
      created_time: new Date((TEST_NOW - 86_400 - 3) * 1000).toISOString().replace(/\.000Z$/, "+0000"),
      field_data: [
        { name: "utm_source", values: ["fb"] },
        { name: "full_name", values: ['Person 3, "the" tester'] },
        { name: "email", values: ["p3@example.com"] },
        { name: "car_make", values: ["kia"] },
        { name: "selected_dealer", values: ["99213450"] },
      ],
      custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "1" }],
    });

    const again = await importLeads(h.runtime.services, { file, formId: "8001", format: "csv" });
    expect(again).toMatchObject({ rows: ROWS, created: 0, skipped: ROWS - BAD_LINES.length });
    expect(again.bad.map((b) => b.line)).toEqual(BAD_LINES);
    expect(await count()).toBe(before + ROWS - BAD_LINES.length);
  }, 600_000);

  it("imports JSONL from the CLI; --strict stops at the first bad row", async () => {
    const file = join(dir, "leads.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ external_id: "j1", full_name: "Jay", email: ["j@example.com"], platform: "ig" }),
        "{not json",
        JSON.stringify({ external_id: "j2", full_name: "Kay", unknown_question: "x" }),
        JSON.stringify({ external_id: "j3", full_name: "Lee", created_time: "2026-11-01T00:00:00+0000" }),
        "",
      ].join("\n"),
    );
    const analysed = async () =>
      kind === "postgres"
        ? Number(
            (
              await sql<{ n: string }>`select analyze_count as n from pg_stat_user_tables where relname = 'leads'`.execute(
                h.runtime.connection.db,
              )
            ).rows[0]!.n,
          )
        : 0;
    const analysedBefore = await analysed();
    const lenient = await cli(["import", file, "--form", "8001", "--json", ...dbArgs()]).catch((e) => e);
    expect(lenient.code).toBe(2);
    expect(JSON.parse(lenient.stdout)).toEqual({ rows: 4, created: 2, skipped: 0, bad: 2 });
    // On PostgreSQL the import ends by analysing the leads table, so list pages are planned for its new size.
    if (kind === "postgres") expect(await analysed()).toBe(analysedBefore + 1);
    expect(lenient.stderr).toContain("line 2: is not valid JSON");
    expect(lenient.stderr).toContain('line 3: field_data[1].name: "unknown_question" is not a question key of form 8001');
    const ids = await h.runtime.services.store.leads.findByExternalIds("8001", ["j1", "j3"]);
    const j1 = (await h.graph("GET", `/${ids.get("j1")}`, { token: PAGE, query: { fields: "platform,field_data" } })).body;
    expect(j1.platform).toBe("ig");
    expect(j1.field_data).toEqual([
      { name: "utm_source", values: ["fb"] },
      { name: "full_name", values: ["Jay"] },
      { name: "email", values: ["j@example.com"] },
    ]);

    const strictFile = join(dir, "strict.jsonl");
    writeFileSync(
      strictFile,
      [
        JSON.stringify({ external_id: "s1", full_name: "A" }),
        JSON.stringify({ external_id: "s2", car_make: "nope" }),
        JSON.stringify({ external_id: "s3", full_name: "C" }),
      ].join("\n"),
    );
    const strict = await cli(["import", strictFile, "--form", "8001", "--strict", "--batch-size", "1", ...dbArgs()]).catch((e) => e);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("stopped at line 2 (--strict)");
    const found = await h.runtime.services.store.leads.findByExternalIds("8001", ["s1", "s2", "s3"]);
    expect([...found.keys()]).toEqual(["s1"]);
    const unknownColumn = join(dir, "bad.csv");
    writeFileSync(unknownColumn, "full_name,shoe_size\nA,42\n");
    const refused = await cli(["import", unknownColumn, "--form", "8001", ...dbArgs()]).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown columns "shoe_size"');
  }, 120_000);

  it("triggers attributed leads with generated answers on a running server", async () => {
    const url = await h.listen();
    const { stdout } = await cli([
      "trigger",
      "lead",
      "--form",
      "8001",
      "--ad",
      "7001",
      "--count",
      "5",
      "--platform",
      "ig",
      "--seed",
      "7",
      "--url",
      url,
      "--admin-key",
      h.runtime.adminKey,
      "--verbose",
    ]);
    const ids = stdout.trim().split("\n");
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
    for (const id of ids) {
      const lead = (await h.graph("GET", `/${id}`, { token: "EAAB-user-ann", query: { fields: "ad_id,platform,is_organic,field_data" } }))
        .body;
      expect(lead).toMatchObject({ ad_id: "7001", platform: "ig", is_organic: false });
      const data = Object.fromEntries(lead.field_data.map((d: { name: string; values: string[] }) => [d.name, d.values[0]]));
      expect(Object.keys(data)).toEqual(["utm_source", "full_name", "email", "car_make", "selected_dealer"]);
      expect(data.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.(com|org|net)$/);
      expect(["honda", "kia"]).toContain(data.car_make);
      expect(data.selected_dealer).toBe("99213450");
    }
    const wrong = await cli(["trigger", "lead", "--form", "8002", "--ad", "7001", "--url", url, "--admin-key", h.runtime.adminKey]).catch(
      (e) => e,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("ad 7001 does not use form 8002");
  }, 120_000);
});
