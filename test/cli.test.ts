import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, freshDatabase } from "./support/databases.ts";
import { exampleWorld } from "./support/worlds.ts";

const BIN = new URL("../bin/leadgraph.js", import.meta.url).pathname;
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LEADGRAPH_")));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeoutMs = 240_000, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...CLEAN_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `serve`, waits for the line naming its URL, and returns it with the process and its output so far. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--log-level", "silent", ...args], {
      env: CLEAN_ENV,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.push(child);
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 240_000);
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /(?:listening on|demo server:) (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && (!args.includes("--demo") || /Try:[\s\S]*-G\n/.test(out))) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}${err}`));
    });
  });
}

const running: ChildProcess[] = [];
const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await done;
};

// Each spawn compiles the TypeScript sources through tsx: seconds per process on a busy machine.
describe("leadgraph CLI", { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-cli-"));
  });
  afterEach(async () => {
    while (running.length) await stop(running.pop()!);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints help for every command", async () => {
    const [top, serveHelp, seedHelp, migrateHelp] = await Promise.all([
      run(["--help"]),
      run(["serve", "--help"]),
      run(["seed", "--help"]),
      run(["migrate", "--help"]),
    ]);
    expect(top.code).toBe(0);
    for (const cmd of ["serve", "seed", "migrate"]) expect(top.stdout).toContain(cmd);
    expect(serveHelp.code).toBe(0);
    for (const flag of ["--port", "--host", "--db", "--database-url", "--world", "--demo", "--public-url", "LEADGRAPH_PORT"])
      expect(serveHelp.stdout).toContain(flag);
    expect(seedHelp.code).toBe(0);
    expect(seedHelp.stdout).toContain("<file>");
    expect(migrateHelp.code).toBe(0);
    expect(migrateHelp.stdout).toContain("--db");
  });

  it("migrates a fresh database, then finds it up to date", async () => {
    const db = join(dir, "migrate.db");
    const first = await run(["migrate", "--db", db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^applied: 0001/);
    const second = await run(["migrate", "--db", db]);
    expect(second.stdout).toBe("schema is up to date\n");
  });

  it("seeds a world file that serve then reads, with paging links on the real port", async () => {
    const db = join(dir, "seeded.db");
    const file = join(dir, "world.json");
    writeFileSync(file, JSON.stringify(exampleWorld(30)));
    const seeded = await run(["seed", file, "--db", db]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ pages: 2, forms: 2, leads: 32 });
    const again = await run(["seed", file, "--db", db]);
    expect(JSON.parse(again.stdout)).toMatchObject({ leads: 0, leadsSkipped: 32 });

    const { url } = await serve(["--db", db]);
    const res = await fetch(`${url}/v25.0/8001/leads?fields=id&limit=10&access_token=EAAB-page-acme`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: unknown[]; paging: { next: string } };
    expect(body.data).toHaveLength(10);
    expect(body.paging.next.startsWith(`${url}/v25.0/8001/leads?`)).toBe(true);
    const next = await fetch(body.paging.next);
    expect(((await next.json()) as { data: unknown[] }).data).toHaveLength(10);
  });

  it("fails on a bad world file with exit code 1 and the path: message line, loading nothing", async () => {
    const db = join(dir, "bad.db");
    const world = exampleWorld();
    (world.forms![0] as unknown as { questions: unknown[] }).questions[2] = { type: "COLOUR" };
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(world));
    for (const args of [
      ["seed", file, "--db", db],
      ["serve", "--port", "0", "--world", file, "--db", db],
    ]) {
      const res = await run(args);
      expect(res.code, args[0]).toBe(1);
      expect(res.stderr).toMatch(/^leadgraph: forms\[0\]\.questions\[2\]\.type: must be one of CUSTOM, .* - got "COLOUR"$/m);
    }
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{ nope");
    const res = await run(["seed", notJson, "--db", db]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("leadgraph:");
  });

  it("serves the demo with printed tokens, and a second --demo start reuses the database", async () => {
    const db = join(dir, "demo.db");
    const first = await serve(["--demo", "--db", db]);
    const token = /page token, Acme Cars\s+(\S+)/.exec(first.stdout())![1]!;
    expect(first.stdout()).toContain("curl -s");
    const leads = await fetch(`${first.url}/v25.0/8001/leads?summary=true&limit=1&access_token=${token}`);
    const body = (await leads.json()) as { summary: { total_count: number }; data: unknown[] };
    expect(body.data).toHaveLength(1);
    expect(body.summary.total_count).toBeGreaterThan(1000);
    await stop(first.child);

    const second = await serve(["--demo", "--db", db]);
    const again = await fetch(`${second.url}/v25.0/8001/leads?summary=true&limit=1&access_token=${token}`);
    expect(((await again.json()) as { summary: { total_count: number } }).summary.total_count).toBe(body.summary.total_count);
  });

  it("prints a demo filter of the last day by the server's clock, a manual one included", async () => {
    const started = await serve(["--demo", "--db", join(dir, "demo-clock.db"), "--clock", "manual:1795867200"]);
    expect(started.stdout()).toContain(`"value":${1_795_867_200 - 86_400}}]`);
    const curl = /curl -s '([^']+)' --data-urlencode '([^']+)' -G/.exec(started.stdout())!;
    const url = new URL(curl[1]!);
    url.searchParams.set("filtering", curl[2]!.replace(/^filtering=/, ""));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    await stop(started.child);
  });
});

describe.each(databaseKinds().filter((k) => k === "postgres"))("leadgraph migrate (%s)", (kind) => {
  it("migrates a fresh database with the pool settings serve uses (its statement timeout bounds a wait for the lock)", async () => {
    const db = await freshDatabase(kind);
    const url = (db.config as { databaseUrl: string }).databaseUrl;
    // Another migrator holds the lock (Kysely's transaction-scoped advisory lock on PostgreSQL).
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("begin");
      await holder.query("select pg_advisory_xact_lock(3853314791062309107)");
      const started = Date.now();
      const blocked = await run(["migrate", "--database-url", url], 60_000, { LEADGRAPH_DB_STATEMENT_TIMEOUT_MS: "500" });
      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr).toMatch(/statement timeout/);
      expect(Date.now() - started).toBeLessThan(30_000); // not the 30 s default
      await holder.query("rollback");
      const first = await run(["migrate", "--database-url", url]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^applied: 0001/);
      expect((await run(["migrate", "--database-url", url])).stdout).toBe("schema is up to date\n");
    } finally {
      await holder.end();
      await db.drop();
    }
  });
});
