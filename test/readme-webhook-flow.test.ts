import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { Receiver } from "./support/receiver.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");
const ADMIN = "readme-flow-admin-key-0001";
const CARS_TOKEN = "EAAB-demo-page-acme-cars";
const HOMES_TOKEN = "EAAB-demo-page-bella-homes";

/** `leadgraph listen` as the README runs it, until its "Ready!" line; stderr kept for warnings. */
async function startListen(
  url: string,
  forwardTo: string,
): Promise<{ proc: ChildProcess; stderr: () => string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, [BIN, "listen", "--forward-to", forwardTo, "--app", "1001", "--url", url, "--admin-key", ADMIN], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
  const exited = new Promise<void>((r) => proc.on("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on("data", (b: Buffer) => {
      out += b.toString("utf8");
      if (out.includes("Ready!")) resolve();
    });
    void exited.then(() => reject(new Error(`listen exited: ${out}${err}`)));
  });
  return {
    proc,
    stderr: () => err,
    stop: async () => {
      proc.kill("SIGINT");
      await exited;
    },
  };
}

async function graph(url: string, method: string, path: string, token: string): Promise<unknown> {
  const res = await fetch(`${url}/v25.0/${path}${path.includes("?") ? "&" : "?"}access_token=${token}`, { method });
  return res.json();
}

describe("the README's webhook tour on a fresh demo server", () => {
  let dir: string;
  let server: ServeProcess;
  let receiver: Receiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "leadgraph-readme-"));
    server = await spawnServe(["--demo", "--db", join(dir, "demo.db"), "--admin-key", ADMIN]);
    receiver = new Receiver();
    await receiver.start();
  }, 180_000);
  afterAll(async () => {
    await stopServe(server);
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers a triggered lead to the listen relay's local endpoint, with no warning", async () => {
    const listen = await startListen(server.url, receiver.url);
    try {
      const { stdout, stderr } = await run(process.execPath, [
        BIN,
        "trigger",
        "lead",
        "--form",
        "8001",
        "--url",
        server.url,
        "--admin-key",
        ADMIN,
        "--json",
      ]);
      const answer = JSON.parse(stdout) as { ids: string[]; warnings: string[] };
      expect(answer.ids).toHaveLength(1);
      expect(answer.warnings).toEqual([]);
      const id = answer.ids[0]!;
      expect(stderr).not.toContain("warning");
      await receiver.waitFor(() => receiver.leadIds().includes(id));
      expect(listen.stderr()).not.toContain("warning");
    } finally {
      await listen.stop();
    }
  }, 120_000);

  it("says why a lead reaches no one when the app is not installed on the form's page", async () => {
    expect(await graph(server.url, "DELETE", "3001/subscribed_apps", CARS_TOKEN)).toEqual({ success: true });
    const trig = await run(process.execPath, [BIN, "trigger", "lead", "--form", "8001", "--url", server.url, "--admin-key", ADMIN]);
    expect(trig.stderr).toContain("warning: no app is installed on page 3001 with the leadgen field");
    expect(trig.stderr).toContain(`${server.url}/v25.0/3001/subscribed_apps?subscribed_fields=leadgen`);

    expect(await graph(server.url, "DELETE", "3002/subscribed_apps", HOMES_TOKEN)).toEqual({ success: true });
    const listen = await startListen(server.url, receiver.url);
    try {
      await expect
        .poll(() => listen.stderr(), { timeout: 30_000 })
        .toContain("warning: app 1001 is installed on no page with the leadgen field");
    } finally {
      await listen.stop();
    }
  }, 120_000);

  it("says when the installed app has no leadgen subscription", async () => {
    expect(await graph(server.url, "POST", "3001/subscribed_apps?subscribed_fields=leadgen", CARS_TOKEN)).toEqual({ success: true });
    // listen's Ctrl-C above removed the relay's subscription: the demo app has none now.
    const trig = await run(process.execPath, [BIN, "trigger", "lead", "--form", "8001", "--url", server.url, "--admin-key", ADMIN]);
    expect(trig.stderr).toContain("warning: app 1001 is installed on page 3001 but has no leadgen webhook subscription");
  }, 120_000);
});
