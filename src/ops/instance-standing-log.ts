import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

/**
 * Logs the instance stepping down (error level: it sends no webhooks until it is back, and a node
 * taken by another instance means its ids may collide) and returning to work.
 */
export function logInstanceStanding(runtime: Runtime, log: FastifyBaseLogger): () => void {
  return runtime.instance.listen((change) => {
    if (change.kind === "resumed") {
      log.warn({ node: change.node }, `instance heartbeat for node ${change.node} recovered: taking work again`);
      return;
    }
    const what = change.permanent ? "for good (restart it to get a node of its own)" : "until a heartbeat succeeds";
    log.error(
      { node: change.node, permanent: change.permanent, ...(change.error === undefined ? {} : { err: change.error }) },
      `${change.reason}: this instance stepped down ${what} and claims no webhook deliveries`,
    );
  });
}
