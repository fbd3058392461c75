import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractTours, tourFiles, type TourBlock, unmarkedShellBlocks } from "./support/doc-tours.ts";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";

/*
 * Runs every code block of README.md and docs/*.md marked `<!-- tour: NAME -->` (see
 * test/support/doc-tours.ts) with `bash -c 'set -euo pipefail; …'` against a fresh demo server
 * started as `leadgraph serve --demo` — the reader's `npm start` — on a free port.
 *
 * What the reader has, and how the test gives it to the block:
 * - `npx leadgraph …` and `leadgraph …` run this checkout's bin: a shim directory first on PATH holds
 *   `npx` and `leadgraph` wrappers around `node bin/leadgraph.js`, and an `xdg-open` that fetches the
 *   page a browser would open (so the link is checked, and nothing opens).
 * - The server's address: the docs write the demo's default `http://127.0.0.1:8080` (or
 *   `localhost:8080`); the test replaces both with the real URL in the block's text, and sets
 *   `LEADGRAPH_URL` to it for commands that rely on the CLI's default address.
 * - The variables the README has the reader set: URL, PAGE_TOKEN (Acme Cars' page token), PAGE_ID
 *   (3001, that token's page), ADMIN and LEADGRAPH_ADMIN_KEY (the admin key the server printed).
 * - Placeholders in the text: `<admin key>` becomes that key, `<LEAD_ID>` the id of a lead of form 8001
 *   read from the server before the blocks run.
 *
 * - A block that names fixed dates (the export's `--from 2026-11-01`) is marked
 *   `serve: --clock manual:1795867200`: the demo world is seeded around that frozen time
 *   (2026-11-28T12:00Z, the time the docs are written at), so the dates keep their leads as the real
 *   date moves past the 90-day retention. Blocks with the same flags share one server.
 *
 * Each block must exit 0 and pass the check named after it in CHECKS; a marked block without a check
 * fails, so a new tour cannot be added without saying what its output must show.
 */

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "..");
const BIN = join(REPO, "bin", "leadgraph.js");
const ADMIN = "docs-tours-admin-key-0001";
const PAGE_TOKEN = "EAAB-demo-page-acme-cars";

/** What a block's output (stdout then stderr) must show. */
const CHECKS: Record<string, (out: string, files: string[]) => void> = {
  "readme-quick": (out) => {
    expect(out).not.toContain('"error"');
    // the 8001 leads page, one lead, the ad's leads, the page with its forms expanded
    expect(out.match(/"field_data"/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(out).toContain('"leadgen_forms"');
    expect(out).toContain('"paging"');
  },
  "readme-form": (out) => {
    expect(out).not.toContain('"error"');
    expect(out).toMatch(/\{"data":\[/); // the new form's leads
    // trigger --count 50 prints a one-line summary, not the ids (those come with --verbose or --json)
    expect(out).toContain("Created 50 test leads on form 8001 (page 3001)");
    expect(out.match(/^\d{5,}$/gm)).toBeNull();
  },
  "forms-create": (out) => {
    expect(out).toMatch(/^\{"id":"\d+"\}/);
  },
  "export-range": (out, files) => {
    expect(out).not.toContain('"error"');
    expect(files).toContain("leads.tsv");
    expect(
      files.some((f) => /\.(csv|tsv)$/.test(f) && f !== "leads.tsv"),
      "curl -OJ saved the file under its own name",
    ).toBe(true);
    expect(out).toMatch(/[1-9][\d,]* leads? written/);
  },
  "webhooks-faults": (out) => {
    expect(out).not.toContain('"error"');
    expect(out).toContain('{"drop_percent":10,"duplicate_percent":5,"delay_ms":30000'); // set
    expect(out).toContain('{"drop_percent":0,"duplicate_percent":0,"delay_ms":0'); // then reset
  },
  "rate-limits-clock": (out) => {
    expect(out).not.toContain('"error"');
    expect(out).toContain('"mode":"manual"');
    expect(out).toContain("2026-12-01T00:00:00");
  },
};

function shims(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const node = JSON.stringify(process.execPath);
  const bin = JSON.stringify(BIN);
  const write = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  write("leadgraph", `exec ${node} ${bin} "$@"`);
  write(
    "npx",
    `if [ "\${1:-}" = leadgraph ]; then shift; exec ${node} ${bin} "$@"; fi\necho "docs-tours shim: only 'npx leadgraph' is provided" >&2; exit 127`,
  );
  write("xdg-open", `exec curl -sSf -o /dev/null "$1"`);
  return dir;
}

describe("the README and docs/ tours, run against a fresh demo server", () => {
  const { run: blocks, skipped } = extractTours(REPO, tourFiles(REPO));
  let dir: string;
  let shimDir: string;
  const servers = new Map<string, Promise<ServeProcess>>();
  let leadId = "";

  /** The demo server for a block's extra serve flags, started on first use. */
  function serverFor(flags: string): Promise<ServeProcess> {
    let s = servers.get(flags);
    if (!s) {
      const db = join(dir, `demo-${servers.size}.db`);
      s = spawnServe(["--demo", "--db", db, "--admin-key", ADMIN, ...flags.split(/\s+/).filter(Boolean)]);
      servers.set(flags, s);
    }
    return s;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-tours-"));
    shimDir = shims(join(dir, "bin"));
    // every server a block needs, started one after the other before any block runs (two cores)
    for (const flags of new Set(["", ...blocks.map((b) => b.serve)])) await serverFor(flags);
    const server = await serverFor("");
    const res = await fetch(`${server.url}/v25.0/8001/leads?fields=id&limit=1&access_token=${PAGE_TOKEN}`);
    const body = (await res.json()) as { data: { id: string }[] };
    leadId = body.data[0]!.id;
  }, 420_000);

  afterAll(async () => {
    for (const s of servers.values()) await stopServe(await s.catch(() => undefined));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the marked blocks, each with a check, and says why the skipped ones are skipped", () => {
    expect(blocks.map((b) => b.name)).toEqual(expect.arrayContaining(["readme-quick", "readme-form"]));
    expect(new Set(blocks.map((b) => b.name)).size).toBe(blocks.length);
    for (const b of blocks)
      expect(CHECKS[b.name], `${b.where}: tour "${b.name}" has no check in test/docs-tours.test.ts`).toBeTypeOf("function");
    // every shell block of the README is either run or skipped with a reason
    expect(unmarkedShellBlocks(REPO, "README.md")).toEqual([]);
    for (const s of skipped) process.stdout.write(`docs tour skipped at ${s.where}: ${s.reason}\n`);
  });

  it.each(blocks.map((b) => [`${b.name} (${b.where})`, b] as [string, TourBlock]))(
    "%s",
    async (_label, block) => {
      const server = await serverFor(block.serve);
      const host = new URL(server.url).host;
      const code = block.code
        .replaceAll("http://127.0.0.1:8080", server.url)
        .replaceAll("localhost:8080", host)
        .replaceAll("<admin key>", ADMIN)
        .replaceAll("<LEAD_ID>", leadId);
      const cwd = mkdtempSync(join(dir, "cwd-"));
      const env = {
        ...process.env,
        PATH: `${shimDir}:${process.env.PATH ?? ""}`,
        URL: server.url,
        PAGE_TOKEN,
        PAGE_ID: "3001",
        ADMIN,
        LEADGRAPH_URL: server.url,
        LEADGRAPH_ADMIN_KEY: ADMIN,
      };
      let out: string;
      try {
        const r = await run("bash", ["-c", `set -euo pipefail\n${code}`], { cwd, env, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 });
        out = r.stdout + r.stderr;
      } catch (e) {
        const err = e as { code?: number; stdout?: string; stderr?: string };
        throw new Error(`${block.where}: tour "${block.name}" exited ${err.code}\n--- stdout\n${err.stdout}\n--- stderr\n${err.stderr}`, {
          cause: e,
        });
      }
      try {
        CHECKS[block.name]!(out, readdirSync(cwd));
      } catch (e) {
        throw new Error(
          `${block.where}: tour "${block.name}" ran, but its output is not what the doc says: ${(e as Error).message}\n--- output\n${out.slice(0, 4000)}\nfiles written: ${readdirSync(cwd).join(", ")}`,
          { cause: e },
        );
      }
    },
    180_000,
  );
});
