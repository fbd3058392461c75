import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import { startListeningProcess } from "./listening-process.ts";

/** A Fastify hello-world in its own process, started the same way as the server under test. */
export function startHelloServer(): Promise<{ url: string; close(): Promise<void> }> {
  return startListeningProcess(fileURLToPath(import.meta.url), [], "hello server");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = Fastify({ logger: false });
  app.get("/", async () => ({ hello: "world" }));
  process.stdout.write(`listening ${await app.listen({ port: 0, host: "127.0.0.1" })}\n`);
  process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
}
