import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

/**
 * Logs the instance stepping down (error level: it sends no webhooks until it is back, and a node
 * taken by another instance means ids it minted meanwhile may collide) and returning to work.
 */
export function logInstanceStanding(runtime: Runtime, log: FastifyBaseLogger): () => void {
  return runtime.instance.listen((change) => {
    if (change.kind === "resumed") {
      log.warn({ node: change.node }, `instance holds node ${change.node} again: taking work again`);
      return;
    }
    const what = change.nodeLost ? "until it has claimed a free node" : "until a heartbeat succeeds";
    log.error(
      { node: change.node, nodeLost: change.nodeLost, ...(change.error === undefined ? {} : { err: change.error }) },
      `${change.reason}: this instance stepped down ${what} and claims no webhook deliveries`,
    );
  });
}
