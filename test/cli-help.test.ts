import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Help } from "commander";
import { describe, expect, it } from "vitest";
import { commands } from "../src/cli/registry.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");

describe("the command registry", () => {
  it("names, lists and describes each command exactly as the command itself does", async () => {
    const help = new Help();
    for (const entry of commands) {
      const cmd = await entry.load();
      expect({ name: cmd.name(), term: help.subcommandTerm(cmd), description: cmd.description() }).toEqual({
        name: entry.name,
        term: entry.term,
        description: entry.description,
      });
    }
  });

  it("`leadgraph --help` lists every command without loading one, and `help <command>` loads that one", async () => {
    const bin = join(ROOT, "bin", "leadgraph.js");
    const { stdout } = await run(process.execPath, [bin, "--help"]);
    for (const entry of commands) expect(stdout).toContain(entry.term);
    const reset = await run(process.execPath, [bin, "help", "reset"]);
    expect(reset.stdout).toContain("--world <file>");
  });

  it("reports the version package.json holds", async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, "bin", "leadgraph.js"), "--version"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const client = JSON.parse(readFileSync(join(ROOT, "packages", "client", "package.json"), "utf8")) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
    expect(client.version).toBe(pkg.version);
  });
});
