import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../../bin/leadgraph.js");

/** The read API key the test processes are started with (the API refuses requests without one). */
export const SYNC_TEST_API_KEY = "sync-test-read-api-key-0001";

/** `leadgraph sync` as a real child process (so it can be SIGKILLed), with its stderr kept. */
export class SyncProcess {
  readonly child: ChildProcess;
  stderr = "";
  stdout = "";
  url = "";
  readonly ready: Promise<string>;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, "sync", ...args], {
      env: { ...process.env, LEADGRAPH_SYNC_API_KEY: SYNC_TEST_API_KEY, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
    this.ready = new Promise((res, rej) => {
      let out = "";
      this.child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        this.stdout = out;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          this.url = m[1]!;
          res(this.url);
        }
      });
      void this.exited.then((code) => rej(new Error(`sync exited with ${code} before listening:\n${this.stderr}`)));
    });
  }

  async status(): Promise<any> {
    const r = await fetch(`${this.url}/status`, { headers: { authorization: `Bearer ${SYNC_TEST_API_KEY}` } });
    return r.json();
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** Polls until `check` returns true (or throws after `ms`). */
export async function waitFor(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
