import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isGraphError } from "../src/domain/errors.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";

const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");
/** Leads the writer may have written ahead of what the receiver got. */
const WRITE_AHEAD = 100;

/**
 * The server runs as a child process on a SQLite file and is killed with SIGKILL again and again
 * while leads keep arriving (written by this process into the same file, as another instance or
 * the admin API would); after the last restart the receiver must have seen every lead.
 */
describe("webhooks survive SIGKILL (sqlite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadgraph-crash-"));
  const file = join(dir, "crash.db");
  const secretKey = randomBytes(24).toString("hex");
  const rx = new Receiver();
  let runtime: Runtime | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill("SIGKILL");
    await runtime?.close();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const startServer = async (): Promise<ChildProcess> => {
    const proc = spawn(
      process.execPath,
      [
        BIN,
        "serve",
        "--db",
        file,
        "--secret-key",
        secretKey,
        "--port",
        "0",
        "--admin-key",
        "crash-test-admin-key-0001",
        "--log-level",
        "silent",
      ],
      {
        env: {
          ...process.env,
          LEADGRAPH_WEBHOOK_TIMEOUT_MS: "1000",
          LEADGRAPH_WEBHOOK_LEASE_MS: "2500",
          LEADGRAPH_WEBHOOK_POLL_MS: "100",
          LEADGRAPH_WEBHOOK_LINGER_MS: "5",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      proc.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.stderr.on("data", (c: Buffer) => {
        out += c.toString();
      });
      proc.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    });
    return proc;
  };

  it("delivers every lead after repeated SIGKILLs", async () => {
    await rx.start();
    runtime = await createRuntime(loadConfig({ db: file, secretKey, logLevel: "silent", adminKey: "crash-test-admin-key-0001" }));
    const world = exampleWorld();
    world.subscriptions = [{ app_id: "1001", object: "page", callback_url: rx.url, fields: ["leadgen"], verify_token: "vt" }];
    await loadWorld(runtime.services, world);

    const created: string[] = [];
    let flowing = true;
    const writer = (async () => {
      let n = 0;
      while (flowing) {
        let ids: string[];
        try {
          ids = await runtime.services.intake.create(
            Array.from({ length: 5 }, () => ({ formId: "8001", fieldData: [{ name: "full_name", values: [`Crash ${n++}`] }] })),
            { source: "admin", fireWebhooks: true },
          );
        } catch (e) {
          // Two processes share the file: a write can lose the race for the lock (and is rolled back);
          // it reaches the caller as Graph's transient error with SQLite's error as its cause.
          if (isGraphError(e) && e.isTransient && String((e.cause as { code?: unknown } | undefined)?.code).startsWith("SQLITE_BUSY"))
            continue;
          throw e;
        }
        created.push(...ids);
        // Paced by the receiver, not by time: at most WRITE_AHEAD leads written and not yet delivered.
        await rx.waitFor(() => !flowing || new Set(rx.leadIds()).size + WRITE_AHEAD >= created.length, 120_000);
      }
    })();

    for (let round = 0; round < 5; round++) {
      child = await startServer();
      // Killed at a random point of its work: once it has delivered a random number of new leads.
      const seen = new Set(rx.leadIds()).size;
      const more = 1 + Math.floor(Math.random() * 30);
      await rx.waitFor(() => new Set(rx.leadIds()).size >= seen + more, 60_000);
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
    }
    flowing = false;
    await writer;
    child = await startServer();
    await rx.waitFor(() => new Set(rx.leadIds()).size >= created.length, 90_000);
    const seen = new Set(rx.leadIds());
    expect(created.length).toBeGreaterThan(100);
    expect(created.filter((id) => !seen.has(id))).toEqual([]);
    expect([...seen].every((id) => created.includes(id))).toBe(true);
  }, 300_000);
});
