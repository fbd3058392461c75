import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");

/** Runs the CLI and returns its failure (these commands must fail). */
async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LEADGRAPH_")));
  const r = await run(process.execPath, [BIN, ...args], { env }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  if (!r) throw new Error(`leadgraph ${args.join(" ")} succeeded`);
  return r;
}

describe("mistakes get errors a person can act on", () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-cli-errors-"));
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => busy.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a port in use names the flag to change", async () => {
    const r = await fails(["serve", "--port", String(busyPort), "--host", "127.0.0.1", "--db", join(dir, "a.db")]);
    expect(r.stderr).toContain(`127.0.0.1:${busyPort} is already in use by another process`);
    expect(r.stderr).toContain("--port or LEADGRAPH_PORT");
  }, 60_000);

  it("a broken world file gives its file, line and column", async () => {
    const world = join(dir, "world.json");
    writeFileSync(world, '{\n  "pages": [\n    {id: "1"}\n  ]\n}\n');
    const r = await fails(["serve", "--port", "0", "--host", "127.0.0.1", "--db", join(dir, "b.db"), "--world", world]);
    expect(r.stderr).toMatch(new RegExp(`${world.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3:6: not valid JSON: `));
    const missing = await fails(["seed", join(dir, "nope.json"), "--db", join(dir, "c.db")]);
    expect(missing.stderr).toContain(`world file ${join(dir, "nope.json")}`);
    expect(missing.stderr).toContain("does not exist");
  }, 60_000);

  it("a database URL of another kind is refused before connecting", async () => {
    const r = await fails(["serve", "--port", "0", "--database-url", "mysql://x/db"]);
    expect(r.stderr).toContain("--database-url / LEADGRAPH_DATABASE_URL");
    expect(r.stderr).toContain("must start with postgres:// or postgresql://");
    expect(r.stderr).not.toContain("ENOTFOUND");
  }, 60_000);

  it("an unreachable PostgreSQL is named as PostgreSQL, without the password", async () => {
    // A port nothing listens on: opened, read, closed.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const r = await fails(["migrate", "--database-url", `postgres://postgres:hunter2@127.0.0.1:${closedPort}/nowhere`]);
    expect(r.stderr).toContain(
      `cannot connect to PostgreSQL at 127.0.0.1:${closedPort}/nowhere (from --database-url / LEADGRAPH_DATABASE_URL): connection refused`,
    );
    expect(r.stderr).not.toContain("hunter2");
  }, 60_000);

  it("a bad value names the flag and the variable, and what was given", async () => {
    const r = await fails(["serve", "--port", "abc", "--db", join(dir, "d.db")]);
    expect(r.stderr).toContain("--port / LEADGRAPH_PORT");
    expect(r.stderr).toContain('got "abc"');
  }, 60_000);
  it("npm start reports a port in use before it builds anything", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LEADGRAPH_") && !k.startsWith("npm_")));
    const r = await promisify(execFile)("npm", ["start"], {
      cwd: join(import.meta.dirname, ".."),
      env: { ...env, LEADGRAPH_PORT: String(busyPort) },
    }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r, "npm start succeeded on a busy port").toBeDefined();
    expect(r!.stderr).toContain(`127.0.0.1:${busyPort} is already in use by another process`);
    expect(r!.stdout + r!.stderr).not.toContain("vite");
  }, 60_000);
});
