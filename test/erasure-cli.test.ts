import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_NOW } from "./support/harness.ts";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { exampleWorld } from "./support/worlds.ts";

const BIN = new URL("../bin/leadgraph.js", import.meta.url).pathname;
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LEADGRAPH_"))) as Record<string, string>;
const KEY = "erasure-cli-admin-key-0001";

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: CLEAN_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const adminGet = async (url: string, path: string) =>
  (await fetch(`${url}/_leadgraph/admin${path}`, { headers: { authorization: `Bearer ${KEY}` } })).json();

// Each process compiles the TypeScript sources through tsx: seconds per process on a busy machine.
describe("leadgraph leads delete|erase|erasures on a real server", { timeout: 300_000 }, () => {
  let dir: string;
  let server: ServeProcess | undefined;
  let purging: ServeProcess | undefined;
  let conn: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-erasure-cli-"));
    const world = exampleWorld();
    world.forms!.push({
      id: "8003",
      page_id: "3001",
      name: "Call me back",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "PHONE" }],
      created_time: "2026-06-01T00:00:00+0000",
    });
    world.leads!.push(
      {
        id: "9301",
        form_id: "8003",
        created_time: TEST_NOW - 100,
        field_data: [
          { name: "full_name", values: ["Jane Doe"] },
          { name: "email", values: ["jane@example.com"] },
          { name: "phone_number", values: ["+31612345678"] },
        ],
      },
      {
        id: "9302",
        form_id: "8003",
        created_time: TEST_NOW - 90,
        field_data: [
          { name: "full_name", values: ["Jane D."] },
          { name: "email", values: ["other@example.com"] },
          { name: "phone_number", values: ["06 1234 5678"] },
        ],
      },
    );
    writeFileSync(join(dir, "world.json"), JSON.stringify(world));
    server = await spawnServe(
      [
        "--db",
        join(dir, "a.db"),
        "--world",
        join(dir, "world.json"),
        "--admin-key",
        KEY,
        "--clock",
        `manual:${TEST_NOW}`,
        "--log-level",
        "silent",
      ],
      CLEAN_ENV,
    );
    conn = ["--url", server.url, "--admin-key", KEY];
  });
  afterAll(async () => {
    await stopServe(server);
    await stopServe(purging);
    rmSync(dir, { recursive: true, force: true });
  });

  it("erases a person by email (--json), by a national phone number with --country, and one lead by id", async () => {
    const dry = await run(["leads", "erase", "--email", "JANE@Example.com", "--dry-run", ...conn]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would erase 1 lead: 9301");

    const byEmail = await run(["leads", "erase", "--email", "JANE@Example.com", "--reference", "REQ-7", "--json", ...conn]);
    expect(byEmail.code, byEmail.stderr).toBe(0);
    const answer = JSON.parse(byEmail.stdout);
    expect(answer.erasure).toMatchObject({ kind: "person", leads_erased: 1, lead_ids: ["9301"], via: "cli", reference: "REQ-7" });
    expect(answer.not_recalled).toContain("not recalled");

    const byPhone = await run(["leads", "erase", "--phone", "0612345678", "--country", "NL", ...conn]);
    expect(byPhone.code, byPhone.stderr).toBe(0);
    expect(byPhone.stdout).toContain("erased 1 lead (matched by phone): 9302");
    expect(byPhone.stdout).toContain("not recalled");

    const one = await run(["leads", "delete", "9001", "--json", ...conn]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).erasure).toMatchObject({ kind: "lead", lead_ids: ["9001"] });

    for (const id of ["9301", "9302", "9001"]) {
      const read = await fetch(`${server!.url}/${id}?access_token=EAAB-page-acme`);
      expect(read.status).toBe(400);
    }
    const log = await run(["leads", "erasures", ...conn]);
    expect(log.code).toBe(0);
    expect(log.stdout.trim().split("\n")).toHaveLength(3);
    expect(log.stdout).not.toMatch(/jane|example\.com|612345678/i);
  });

  it("fails with the server's message and a non-zero status", async () => {
    const bad = await run(["leads", "erase", "--phone", "12", ...conn]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/phone must be a valid phone number/);
    const missing = await run(["leads", "delete", "123456", ...conn]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("No lead with id 123456");
    const none = await run(["leads", "erase", ...conn]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("--email, --phone or both");
  });

  it("serve --lead-retention-days purges on schedule from the start", async () => {
    writeFileSync(join(dir, "plain.json"), JSON.stringify(exampleWorld()));
    purging = await spawnServe(
      [
        "--db",
        join(dir, "b.db"),
        "--world",
        join(dir, "plain.json"),
        "--admin-key",
        KEY,
        "--clock",
        `manual:${TEST_NOW}`,
        "--lead-retention-days",
        "5",
        "--log-level",
        "silent",
      ],
      CLEAN_ENV,
    );
    // The world's two leads are 7 and 8 days old by the manual clock.
    await expect
      .poll(async () => (await adminGet(purging!.url, "/erasures")).data?.[0], { timeout: 60_000 })
      .toMatchObject({ kind: "retention", leads_erased: 2, actor: "retention", via: "schedule" });
    expect((await fetch(`${purging.url}/9001?access_token=EAAB-page-acme`)).status).toBe(400);
  });
});
