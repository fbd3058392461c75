import { type ChildProcess, execFile, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../support/harness.ts";
import { APP_SECRET, createLeads, PAGE_TOKEN, syncDatabase, syncServerPerSuite } from "../support/sync/sync-fixtures.ts";
import { SYNC_TEST_API_KEY } from "../support/sync/sync-process.ts";

const BIN = resolve(import.meta.dirname, "../../bin/leadgraph.js");
// util-linux's `script` gives the child a terminal, as a person running `leadgraph sync` has.
const hasScript = spawnSync("script", ["--version"]).status === 0;
const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe.skipIf(!hasScript)("leadgraph sync on a terminal", () => {
  if (!hasScript) console.log("skipped: util-linux `script` is not installed, so no terminal can be given to the child");
  const { harness, cleanups } = syncServerPerSuite();
  let h!: Harness;
  beforeAll(() => void (h = harness()));

  it("shows catch-up progress per form (done/total, rate, ETA) as readable lines, not JSON", async () => {
    const { db, config } = await syncDatabase("sqlite");
    cleanups.push(() => db.drop());
    await createLeads(h, 1500, "terminal");
    const args = [
      "sync",
      ...["--page", "3001", "--access-token", PAGE_TOKEN, "--app-secret", APP_SECRET, "--verify-token", "vt"],
      ...["--base-url", h.url, "--port", "0", "--page-size", "25", "--progress-every", "0.001", "--db", config.db!],
    ];
    const child: ChildProcess = execFile("script", ["-qfec", [process.execPath, BIN, ...args].map(shellQuote).join(" "), "/dev/null"], {
      env: { ...process.env, NO_COLOR: "1", LEADGRAPH_SYNC_API_KEY: SYNC_TEST_API_KEY },
    });
    let out = "";
    // Colour codes (if the terminal gets them) are not what this test is about.
    child.stdout!.on("data", (b: Buffer) => (out += stripVTControlCharacters(b.toString("utf8"))));
    try {
      await expect.poll(() => out, { timeout: 180_000, interval: 200 }).toMatch(/reconciliation finished/);
      const progress = out.split(/\r?\n/).filter((l) => /form 8001 \(page 3001\):/.test(l));
      const during = progress.filter((l) => /leads\/s/.test(l));
      expect(during.length).toBeGreaterThan(0);
      for (const line of during)
        expect(line).toMatch(/INFO: form 8001 \(page 3001\): [\d,]+\/[\d,]+ leads \(\d+%\), [\d,]+ leads\/s(, ETA \S+)?$/);
      expect(progress.at(-1)).toMatch(/INFO: form 8001 \(page 3001\): read to the end, [\d,]+ leads in /);
      expect(out).not.toContain('"msg"');
      expect(out).not.toContain(PAGE_TOKEN);
      expect(out).not.toContain(APP_SECRET);
    } finally {
      child.kill("SIGTERM");
    }
  }, 240_000);
});
