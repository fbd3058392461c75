import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * The CLI's output conventions on real processes (docs/cli.md): results on stdout, a summary by
 * default and one JSON document with --json; progress bars only on a terminal (a pty made by
 * util-linux `script`), with a total and a real ETA; server logs on stderr, one line per request.
 */
const run = promisify(execFile);
const REPO = join(import.meta.dirname, "..");
const BIN = join(REPO, "bin", "leadgraph.js");
const ADMIN = "cli-conventions-admin-key-01";
const PAGE = "EAAB-page-acme";
const hasScript = spawnSync("script", ["--version"]).status === 0;

const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe("CLI output conventions", () => {
  let dir: string;
  let server: ServeProcess;
  let receiver: Receiver;
  const env = () => ({ ...process.env, LEADGRAPH_URL: server.url, LEADGRAPH_ADMIN_KEY: ADMIN, LEADGRAPH_TOKEN: PAGE, NO_COLOR: "1" });
  const cli = (args: string[]) => run(process.execPath, [BIN, ...args], { env: env(), maxBuffer: 64 * 1024 * 1024, timeout: 170_000 });
  /** The same command on a pseudo-terminal: stdout and stderr both reach it, as they would a person. */
  const onTty = async (args: string[]) => {
    const line = [process.execPath, BIN, ...args].map(shellQuote).join(" ");
    const r = await run("script", ["-qfec", line, "/dev/null"], {
      env: { ...env(), COLUMNS: "160", LINES: "40" },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 170_000,
    });
    return r.stdout;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-cli-conventions-"));
    receiver = new Receiver();
    await receiver.start();
    const world = exampleWorld();
    world.subscriptions = [{ app_id: "1001", object: "page", callback_url: receiver.url, fields: ["leadgen"], verify_token: "vt" }];
    writeFileSync(join(dir, "world.json"), JSON.stringify(world));
    server = await spawnServe(["--db", join(dir, "cli.db"), "--world", join(dir, "world.json"), "--admin-key", ADMIN]);
  }, 200_000);
  afterAll(async () => {
    await stopServe(server);
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("trigger: a one-line summary by default, ids with --verbose, one JSON document with --json; no progress off a terminal", async () => {
    const plain = await cli(["trigger", "lead", "--form", "8001", "--count", "300", "--seed", "1"]);
    expect(plain.stdout).toBe("Created 300 test leads on form 8001 (page 3001)\n");
    expect(plain.stderr).toBe("");

    const verbose = await cli(["trigger", "lead", "--form", "8001", "--count", "3", "--verbose"]);
    const lines = verbose.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const id of lines) expect(id).toMatch(/^\d+$/);
    expect(verbose.stderr).toBe("Created 3 test leads on form 8001 (page 3001)\n");

    const json = await cli(["trigger", "lead", "--form", "8001", "--count", "250", "--json"]);
    const doc = JSON.parse(json.stdout) as { form_id: string; page_id: string; count: number; ids: string[]; warnings: string[] };
    expect(doc).toMatchObject({ form_id: "8001", page_id: "3001", count: 250, warnings: [] });
    expect(new Set(doc.ids).size).toBe(250);
    const lead = await fetch(`${server.url}/v25.0/${doc.ids.at(-1)}?fields=form_id&access_token=${PAGE}`);
    expect(await lead.json()).toMatchObject({ form_id: "8001" });
    expect(json.stderr).toBe("");
  }, 200_000);

  it.skipIf(!hasScript)(
    "trigger on a terminal draws a bar with the total and a real ETA, never a broken one",
    async () => {
      const out = await onTty(["trigger", "lead", "--form", "8001", "--count", "3000", "--seed", "2"]);
      expect(out).toContain("creating leads [");
      expect(out).toContain("/3000 leads | ETA");
      // Some frame before the end had an estimate in seconds (or minutes), not a placeholder.
      const estimates = [...out.matchAll(/(\d+)\/3000 leads \| ETA (\d+[smh][\dsm]*)/g)].filter((m) => Number(m[1]) < 3000);
      expect(estimates.length, out).toBeGreaterThan(0);
      expect(out).not.toMatch(/NULL|INF|LLs/);
      expect(out).toContain("Created 3000 test leads on form 8001 (page 3001)");
    },
    200_000,
  );

  it.skipIf(!hasScript)(
    "export on a terminal: a bar with the total; zero leads draw no bar and no broken ETA",
    async () => {
      const file = join(dir, "all.tsv");
      const all = await onTty(["export", "--form", "8001", "-o", file]);
      const written = Number(/(\d+) leads written to/.exec(all)?.[1]);
      expect(written).toBeGreaterThan(500);
      expect(all).toContain(`/${written} leads | ETA`);
      expect(all).not.toMatch(/NULL|INF|LLs/);

      const none = await onTty(["export", "--form", "8001", "--from", "2026-06-01", "--to", "2026-06-02", "-o", join(dir, "none.tsv")]);
      expect(none).toContain("0 leads written to");
      expect(none).not.toContain("exporting");
      expect(none).not.toMatch(/ETA|NULL|INF|LLs/);
    },
    200_000,
  );

  it("export off a terminal prints no progress; --json (with -o) one JSON document", async () => {
    const file = join(dir, "json.tsv");
    const r = await cli(["export", "--form", "8001", "-o", file, "--json"]);
    const doc = JSON.parse(r.stdout) as { form_id: string; file: string; leads: number };
    expect(doc).toMatchObject({ form_id: "8001", file, format: "tsv" });
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(doc.leads + 1);
    expect(r.stderr).toBe("");
    const refused = await cli(["export", "--form", "8001", "--json"]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--json needs --output");
  }, 200_000);

  it.skipIf(!hasScript)(
    "import on a terminal draws a bar with rows and an ETA; off a terminal, only the summary",
    async () => {
      const csv = join(dir, "import.csv");
      writeFileSync(csv, `external_id,full_name\n${Array.from({ length: 20_000 }, (_, i) => `imp-${i},Person ${i}`).join("\n")}\n`);
      const db = join(dir, "cli.db");
      const tty = await onTty(["import", csv, "--form", "8001", "--db", db, "--batch-size", "500"]);
      expect(tty).toContain("importing [");
      expect(tty).toMatch(/\| \d+ rows \| \d+ created \| 0 bad \| 0 skipped \| ETA/);
      expect(tty).not.toMatch(/NULL|INF|LLs/);
      expect(tty).toContain("Imported 20000 leads into form 8001 from 20000 rows (0 skipped as already imported, 0 bad)");

      const again = await cli(["import", csv, "--form", "8001", "--db", db, "--json"]);
      expect(JSON.parse(again.stdout)).toEqual({ rows: 20_000, created: 0, skipped: 20_000, bad: 0 });
      expect(again.stderr).toBe("");
    },
    200_000,
  );

  it("webhooks redeliver --wait --json waits for the redeliveries and names them; no progress off a terminal", async () => {
    const since = Math.floor(Date.now() / 1000) - 3600;
    await receiver.waitFor(() => receiver.posts.length > 0, 60_000);
    const r = await cli(["webhooks", "redeliver", "--app", "1001", "--since", String(since), "--wait", "--json"]);
    const doc = JSON.parse(r.stdout) as { count: number; ids: string[]; settled: number };
    expect(doc.count).toBeGreaterThan(0);
    expect(doc.ids).toHaveLength(doc.count);
    expect(doc.settled).toBe(doc.count);
    expect(r.stderr).toBe("");
    const shown = JSON.parse((await cli(["webhooks", "show", doc.ids[0]!, "--json"])).stdout) as { kind: string; status: string };
    expect(shown).toMatchObject({ kind: "redelivery" });
    expect(shown.status).not.toBe("pending");
  }, 200_000);

  it("--json prints one parseable document on the commands that print results", async () => {
    const doc = async (args: string[]) => {
      const r = await cli([...args, "--json"]);
      return JSON.parse(r.stdout) as Record<string, any>;
    };
    expect(await doc(["clock", "show"])).toMatchObject({ mode: "system", now: expect.any(Number) });
    expect((await doc(["limits", "show"])).data.map((u: { page_id: string }) => u.page_id)).toEqual(
      expect.arrayContaining(["3001", "3002"]),
    );
    expect(await doc(["limits", "show", "3001"])).toMatchObject({ page_id: "3001", budget: expect.any(Number) });
    expect(await doc(["limits", "reset", "3001"])).toMatchObject({ page_id: "3001", limited: false });
    expect((await doc(["token", "list"])).data.length).toBeGreaterThan(2);
    const created = await doc(["token", "create", "--type", "USER", "--app", "1001", "--user", "2001"]);
    const id = created.id as string;
    expect(created.access_token).toEqual(expect.any(String));
    expect(((await doc(["token", "list", "--user", "2001"])).data as { id: string }[]).map((t) => t.id)).toContain(id);
    expect(await doc(["token", "revoke", id])).toMatchObject({ id, revoked: true });
    expect((await doc(["webhooks", "list", "--limit", "2"])).data).toHaveLength(2);
    expect((await doc(["webhooks", "subscriptions"])).subscriptions[0]).toMatchObject({ app_id: "1001" });
    expect(await doc(["webhooks", "faults", "--app", "1001"])).toMatchObject({ drop_percent: 0 });
    expect(await doc(["migrate", "--db", join(dir, "cli.db")])).toEqual({ applied: [] });
    expect(await doc(["leads", "erasures"])).toMatchObject({ data: [] });
  }, 200_000);

  it("serve: the banner alone on stdout, one JSON log line per request on stderr", async () => {
    let stdout = "";
    let stderr = "";
    server.proc.stdout!.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    server.proc.stderr!.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const res = await fetch(`${server.url}/v25.0/8001/leads?limit=1&access_token=${PAGE}`);
    expect(res.status).toBe(200);
    const trace = res.headers.get("x-fb-trace-id")!;
    await res.arrayBuffer();
    await expect.poll(() => stderr.includes(trace), { timeout: 30_000 }).toBe(true);
    const mine = stderr
      .split("\n")
      .filter((l) => l.includes(trace))
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      msg: "request completed",
      req: { method: "GET", url: "/v25.0/8001/leads?limit=1&access_token=[redacted]" },
      res: { statusCode: 200 },
    });
    expect(typeof mine[0]!.responseTime).toBe("number");
    expect(stdout).toBe("");
    // Everything serve wrote to stdout since it started is the banner: no log line among it.
    expect(
      server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("leadgraph listening on")),
    ).toHaveLength(1);
  }, 200_000);

  it.skipIf(!hasScript)(
    "serve on a terminal writes one readable line per request, and the banner first",
    async () => {
      const db = join(dir, "tty-serve.db");
      const child = execFile(
        "script",
        [
          "-qfec",
          [process.execPath, BIN, "serve", "--port", "0", "--host", "127.0.0.1", "--db", db, "--admin-key", ADMIN]
            .map(shellQuote)
            .join(" "),
          "/dev/null",
        ],
        { env: { ...process.env, NO_COLOR: "1" } },
      );
      let out = "";
      child.stdout!.on("data", (b: Buffer) => (out += b.toString("utf8")));
      try {
        await expect.poll(() => /leadgraph listening on (http:\/\/\S+)/.exec(out)?.[1], { timeout: 120_000 }).toBeTruthy();
        const url = /leadgraph listening on (http:\/\/\S+)/.exec(out)![1]!;
        await (await fetch(`${url}/v25.0/me?access_token=secret-token-value`)).arrayBuffer();
        await expect.poll(() => out, { timeout: 30_000 }).toMatch(/INFO.*GET \/v25\.0\/me\?access_token=\[redacted\] 400 [\d.]+ ms/);
        expect(out).not.toContain("secret-token-value");
        expect(out).not.toContain('"msg"');
        expect(out.indexOf("leadgraph listening on")).toBeLessThan(out.indexOf("INFO"));
      } finally {
        child.kill("SIGTERM");
      }
    },
    200_000,
  );
});
