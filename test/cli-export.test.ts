import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_NOW } from "./support/harness.ts";
import { exportWorld } from "./support/export-world.ts";

const run = promisify(execFile);
const ADMIN = "cli-admin-key-0123456789";

/** The real binary against a real server process on SQLite. */
describe("leadgraph export|clock|limits CLI", () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;
  const cli = (...args: string[]) =>
    run(process.execPath, ["bin/leadgraph.js", ...args], {
      env: { ...process.env, LEADGRAPH_URL: url, LEADGRAPH_ADMIN_KEY: ADMIN },
      timeout: 60_000,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-cli-"));
    writeFileSync(join(dir, "world.json"), JSON.stringify(exportWorld()));
    server = spawn(
      process.execPath,
      [
        "bin/leadgraph.js",
        "serve",
        "--port",
        "0",
        "--db",
        join(dir, "db.sqlite"),
        "--world",
        join(dir, "world.json"),
        "--clock",
        `manual:${TEST_NOW}`,
        "--admin-key",
        ADMIN,
        "--log-level",
        "silent",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (d) => {
        out += String(d);
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on("exit", (code) => reject(new Error(`server exited ${code}`)));
    });
  }, 120_000);
  afterAll(async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => server?.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports a form to a file", async () => {
    const file = join(dir, "out.tsv");
    const { stderr } = await cli("export", "--form", "8001", "--token", "EAAB-page-acme", "--from", "2026-11-20", "-o", file);
    const rows = parse(readFileSync(file, "utf8"), { delimiter: "\t" });
    expect(rows[0]!.slice(0, 3)).toEqual(["id", "created_time", "ad_id"]);
    expect(rows.slice(1).map((r) => r[0])).toContain("9001");
    expect(rows.slice(1).map((r) => r[0])).not.toContain("9603");
    expect(stderr).toContain(`${rows.length - 1} leads written to ${file}`);
    const bad = await cli("export", "--form", "8001", "--token", "EAAB-page-other").catch((e: { stderr: string; code: number }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/does not exist/);
  }, 180_000);

  // Each CLI start costs seconds on a loaded machine: few calls, each checking much.
  it("moves the clock and shows and forces limits", async () => {
    expect((await cli("clock", "advance", "36h")).stdout).toBe(`manual ${TEST_NOW + 36 * 3600} 2026-11-30T00:00:00+0000\n`);
    expect((await cli("limits", "force", "3001", "--for", "2h")).stdout).toMatch(/^3001\t.*LIMITED ~120 min/);
    const one = (await cli("limits", "show", "3001")).stdout.split("\n").filter(Boolean);
    // The export 36 h ago has left the window; the forced state reports 100%.
    expect(one[0]).toMatch(/^3001\t0\/72000 \(100%\)\tleads_90d=15\tLIMITED/);
    expect(one).toHaveLength(25);
    expect((await cli("limits", "force", "3001", "--clear")).stdout).toMatch(/^3001\t.*\tok/);
  }, 180_000);
});
