import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import Fastify from "fastify";

/** A Fastify hello-world in its own process, started the same way as the server under test. */
export async function startHelloServer(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /^listening (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`hello server exited with ${code}`)));
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = Fastify({ logger: false });
  app.get("/", async () => ({ hello: "world" }));
  process.stdout.write(`listening ${await app.listen({ port: 0, host: "127.0.0.1" })}\n`);
  process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
}
