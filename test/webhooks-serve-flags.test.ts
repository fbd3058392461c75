import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");
const ADMIN = "serve-flags-admin-key-0001";

/** `leadgraph serve` takes every delivery option as a flag, which wins over its LEADGRAPH_* variable. */
describe("serve delivery flags (sqlite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-flags-"));
  const rx = new Receiver();
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill("SIGKILL");
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawn(process.execPath, [BIN, "serve", ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  const output = (proc: ChildProcess, until: (out: string) => boolean) =>
    new Promise<{ out: string; code: number | null }>((resolve) => {
      let out = "";
      const timer = setTimeout(() => resolve({ out, code: null }), 30_000);
      const check = () => {
        if (until(out)) {
          clearTimeout(timer);
          resolve({ out, code: null });
        }
      };
      proc.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        check();
      });
      proc.stderr!.on("data", (c: Buffer) => {
        out += c.toString();
        check();
      });
      proc.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ out, code });
      });
    });

  it("lists the delivery flags with their variables and defaults in --help", async () => {
    const { out } = await output(run(["--help"]), () => false);
    for (const flag of [
      "--webhook-dispatcher <bool>",
      "--webhook-linger-ms <ms>",
      "--webhook-timeout-ms <ms>",
      "--webhook-concurrency <n>",
      "--webhook-lease-ms <ms>",
      "--webhook-poll-ms <ms>",
      "--webhook-log-retention-hours <hours>",
      "--webhook-auto-disable-hours <hours>",
    ]) {
      expect(out).toContain(flag);
    }
    expect(out).toMatch(/--webhook-linger-ms <ms> +.*\(default 25\) \(env: LEADGRAPH_WEBHOOK_LINGER_MS\)/);
  });

  it("lets a flag override its environment variable", async () => {
    const { out, code } = await output(
      run(["--db", join(dir, "bad.db"), "--webhook-timeout-ms", "1000", "--webhook-lease-ms", "1200", "--log-level", "silent"], {
        LEADGRAPH_WEBHOOK_LEASE_MS: "60000",
        LEADGRAPH_WEBHOOK_TIMEOUT_MS: "20000",
      }),
      () => false,
    );
    expect(code).not.toBe(0);
    expect(out).toContain("LEADGRAPH_WEBHOOK_LEASE_MS=1200");
    expect(out).toContain("LEADGRAPH_WEBHOOK_TIMEOUT_MS=1000");
  });

  it("applies --webhook-linger-ms: the first lead waits out the flag's linger and goes out in one POST with the next", async () => {
    await rx.start();
    const world = exampleWorld();
    world.subscriptions = [{ app_id: "1001", object: "page", callback_url: rx.url, fields: ["leadgen"], verify_token: "vt" }];
    const worldFile = join(dir, "world.json");
    writeFileSync(worldFile, JSON.stringify(world));
    child = run(
      [
        "--db",
        join(dir, "flags.db"),
        "--secret-key",
        randomBytes(24).toString("hex"),
        "--port",
        "0",
        "--admin-key",
        ADMIN,
        "--log-level",
        "silent",
        "--world",
        worldFile,
        "--webhook-linger-ms",
        "3000",
        "--webhook-poll-ms",
        "50",
      ],
      { LEADGRAPH_WEBHOOK_LINGER_MS: "0" },
    );
    const { out } = await output(child, (o) => /listening on \S+/.test(o));
    const base = /listening on (\S+)/.exec(out)![1]!;
    const post = async () => {
      const res = await fetch(`${base}/_leadgraph/admin/forms/8001/leads`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ leads: [{ field_data: [{ name: "full_name", values: ["Flag Test"] }] }] }),
      });
      return ((await res.json()) as { ids: string[] }).ids[0]!;
    };
    const createdAt = Date.now();
    const first = await post();
    const second = await post();
    await rx.waitFor(() => rx.leadIds().length >= 2, 10_000);
    // Held back for the flag's 3 s from the first lead's commit; the environment's 0 would have sent
    // it at once. A lower bound: a busy machine only makes the wait longer.
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(3000);
    expect(rx.posts).toHaveLength(1);
    expect(rx.leadIds()).toEqual([first, second]);
  }, 60_000);
});
