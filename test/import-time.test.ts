import { execFile, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatGraphTime, parseUserTime } from "../src/domain/time.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { countRows } from "./support/raw-count.ts";
import { exampleWorld } from "./support/worlds.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");

describe("one notion of time", () => {
  it("reads unix seconds, dates and ISO times alike, and refuses dates that do not exist", () => {
    expect(parseUserTime("2026-12-01")).toBe(Date.UTC(2026, 11, 1) / 1000);
    expect(parseUserTime("2026-12-01T00:00:00Z")).toBe(Date.UTC(2026, 11, 1) / 1000);
    expect(parseUserTime("2026-12-01T01:00:00+01:00")).toBe(Date.UTC(2026, 11, 1) / 1000);
    expect(parseUserTime(String(Date.UTC(2026, 11, 1) / 1000))).toBe(Date.UTC(2026, 11, 1) / 1000);
    expect(parseUserTime("2026-02-31")).toBeUndefined();
    expect(parseUserTime("yesterday")).toBeUndefined();
  });
});

describe.each(databaseKinds())("import dates and interruption (%s)", (kind) => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    dir = mkdtempSync(join(tmpdir(), "leadgraph-import-time-"));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dbArgs = () => {
    const c = h.db.config as { db: string; databaseUrl?: string };
    return [...(c.databaseUrl ? ["--database-url", c.databaseUrl] : ["--db", c.db]), "--secret-key", h.db.secretKey];
  };
  const cli = (args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, LEADGRAPH_ADMIN_KEY: "" } });
  // Read from the store: a lead dated at the form's creation (2026-06-01) is past Graph's 90-day window.
  const createdTime = async (ext: string) => {
    const id = (await h.runtime.services.store.leads.findByExternalIds("8001", [ext])).get(ext);
    const lead = id ? await h.runtime.services.store.leads.get(id) : undefined;
    return lead ? formatGraphTime(lead.createdTime) : undefined;
  };

  it("takes a plain date, and refuses a lead dated before its form unless told to move it", async () => {
    const file = join(dir, "dates.csv");
    writeFileSync(file, "external_id,created_time,full_name\nd1,2026-11-01,Dee\nd2,2026-05-01,Early\nd3,2026-02-31,Nodate\n");
    const first = await cli(["import", file, "--form", "8001", "--json", ...dbArgs()]).catch((e) => e);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain(
      "line 3: created_time 2026-05-01T00:00:00+0000 is before form 8001 was created (2026-06-01T00:00:00+0000)",
    );
    expect(first.stderr).toContain("--move-early-leads");
    expect(first.stderr).toContain("line 4: created_time must be unix seconds, a date (2026-11-01, midnight UTC) or an ISO-8601 time");
    expect(await createdTime("d1")).toBe("2026-11-01T00:00:00+0000");
    expect(await createdTime("d2")).toBeUndefined();

    const moved = await cli(["import", file, "--form", "8001", "--move-early-leads", "--json", ...dbArgs()]).catch((e) => e);
    expect(JSON.parse(moved.stdout)).toMatchObject({ created: 1, skipped: 1, bad: 1 });
    expect(await createdTime("d2")).toBe("2026-06-01T00:00:00+0000");
  }, 120_000);

  it("says what was written and how to resume when interrupted", async () => {
    const file = join(dir, "many.csv");
    const out = createWriteStream(file);
    out.write("external_id,full_name\n");
    for (let i = 0; i < 400_000; i++)
      if (!out.write(`int-${i},Person ${i}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
    await new Promise<void>((r) => out.end(() => r()));
    const before = await countRows(h.db, "leads");
    const child = spawn(process.execPath, [BIN, "import", file, "--form", "8001", "--batch-size", "200", ...dbArgs()], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    // Interrupt once the import is under way (some batches committed).
    await expect.poll(async () => (await countRows(h.db, "leads")) - before, { timeout: 90_000, interval: 50 }).toBeGreaterThan(0);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    const written = (await countRows(h.db, "leads")) - before;
    expect(written).toBeLessThan(400_000);
    const m = /interrupted after line (\d+): (\d+) leads written, 0 skipped, 0 bad\. Run the same command again to resume/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(Number(m![2])).toBe(written);
  }, 180_000);
});
