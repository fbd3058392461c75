import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

/**
 * On SIGTERM/SIGINT: stop accepting connections and let in-flight requests finish (Fastify's
 * close answers 503 to new requests on kept-alive sockets meanwhile), then run the runtime's close
 * hooks (the dispatcher stops claiming and releases what it holds), release the instance node and
 * close the pool. A shutdown that outlasts `timeoutMs` exits non-zero rather than hang a rollout.
 */
export function installGracefulShutdown(
  app: { log: FastifyInstance["log"]; close(): Promise<unknown> },
  runtime: Pick<Runtime, "close">,
  timeoutMs: number,
): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      // A second Ctrl-C means "now": an operator waiting on a stuck drain should not need kill -9.
      if (signal === "SIGINT") process.exit(130);
      return;
    }
    closing = true;
    app.log.info({ signal }, "shutting down: draining requests");
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs }, "shutdown timed out; exiting with work unfinished");
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    let code = 0;
    try {
      await app.close();
    } catch (err) {
      code = 1;
      app.log.error({ err }, "closing the HTTP server failed");
    }
    try {
      await runtime.close();
    } catch (err) {
      code = 1;
      app.log.error({ err }, "closing the runtime failed");
    }
    app.log.info("shut down");
    clearTimeout(deadline);
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
