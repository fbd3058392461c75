import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");

/**
 * The examples of docs/testing.md, run as a user runs them: they import `leadgraph/testing` and
 * `leadgraph/client` by package name, which resolve to the compiled lib/ (built here first).
 */
describe("examples/", () => {
  beforeAll(async () => {
    await exec(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT });
  }, 10 * 60_000);

  it("the node:test example passes", async () => {
    const { stdout } = await exec(process.execPath, ["--test", "--test-reporter=tap", "examples/node-test/leads.test.mjs"], {
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });

  it("the vitest example passes", async () => {
    const { stdout } = await exec(
      process.execPath,
      [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--root", "examples/vitest", "--reporter=verbose"],
      {
        cwd: ROOT,
        timeout: 180_000,
        env: { ...process.env, NO_COLOR: "1" },
      },
    );
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/);
  });
});
