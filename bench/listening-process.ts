import { spawn } from "node:child_process";

/**
 * Runs a TypeScript module in its own Node process and waits for the `listening <url>` line it
 * prints, so every server a benchmark measures starts (and stops) the same way.
 */
export async function startListeningProcess(
  module: string,
  args: string[],
  label: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", module, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^listening (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  return {
    url,
    async close() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
