import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/leadgraph.js", import.meta.url));

export interface ServeProcess {
  proc: ChildProcess;
  /** The real address the process printed (`leadgraph listening on …`). */
  url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process ended. */
  exited: Promise<number | string>;
  signal(sig: NodeJS.Signals): void;
}

/**
 * Starts `leadgraph serve` as a real child process (the published bin, through tsx) on port 0 and
 * waits for the line with the address it listens on.
 */
export async function spawnServe(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [BIN, "serve", "--port", "0", "--host", "127.0.0.1", ...args], {
    env: { ...process.env, ...env, CI: process.env.CI ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  proc.stderr?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const exited = new Promise<number | string>((resolve) => {
    proc.on("exit", (code, sig) => resolve(code ?? sig ?? "unknown"));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /leadgraph (?:listening on|demo server:) (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${out}`));
    });
  });
  return { proc, url, output: () => out, exited, signal: (sig) => proc.kill(sig) };
}

/** Stops a process started by spawnServe, SIGKILL if SIGTERM was not enough; for afterAll. */
export async function stopServe(p: ServeProcess | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  p.signal("SIGTERM");
  const timer = setTimeout(() => p.signal("SIGKILL"), 15_000);
  await p.exited;
  clearTimeout(timer);
}
