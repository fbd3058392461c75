import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { accessErrors, errors } from "../domain/errors.ts";
import type { AttemptThrottle } from "../domain/rate-limit/attempt-throttle.ts";
import { errorBody } from "../graph/execute.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { drainRefusedBody } from "./body-limits.ts";

/** The admin key travels as `Authorization: Bearer <key>` or `X-Leadgraph-Admin-Key: <key>`. */
export function adminKeyOf(req: FastifyRequest): string | undefined {
  const header = req.headers["x-leadgraph-admin-key"];
  if (typeof header === "string" && header !== "") return header;
  const auth = req.headers.authorization;
  const m = typeof auth === "string" ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m?.[1];
}

declare module "fastify" {
  interface FastifyInstance {
    /** The runtime's throttle of failed credentials, for guards that only get the request. */
    leadgraphThrottle?: AttemptThrottle;
  }
}

/** Makes the runtime's throttle reachable from every route of `app` (before modules register). */
export const provideThrottle = (app: FastifyInstance, throttle: AttemptThrottle): void => {
  app.decorate("leadgraphThrottle", throttle);
};

/** A 429 in the Graph shape with Retry-After. */
export function sendThrottled(req: FastifyRequest, reply: FastifyReply, retryAfter: number, what: string): FastifyReply {
  req.log.warn({ ip: req.ip, retryAfter }, `throttled: too many failed ${what} from this address`);
  graphHeaders(reply, "v25.0");
  reply.header("retry-after", String(retryAfter));
  return sendGraph(reply, 429, errorBody(errors.tooManyFailedAttempts(retryAfter)), {});
}

/**
 * A preHandler for every `/_leadgraph/admin/…` route: the admin key, compared in constant time.
 * Answers in the Graph error shape like the rest of the server. Wrong keys are counted per client
 * address; past the limit the address gets 429 with Retry-After until the window ends, right key
 * or not, so guessing faster gains nothing.
 */
export function requireAdminKey(adminKey: string) {
  const expected = Buffer.from(adminKey);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const throttle = req.server.leadgraphThrottle;
    const wait = await throttle?.failuresExhausted("admin_key", req.ip);
    if (wait !== undefined) return sendThrottled(req, reply, wait, "admin keys");
    const given = Buffer.from(adminKeyOf(req) ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await throttle?.failed("admin_key", req.ip);
      req.log.warn({ ip: req.ip }, "wrong or missing admin key");
      graphHeaders(reply, "v25.0");
      reply.header("www-authenticate", 'Bearer realm="leadgraph admin"');
      await drainRefusedBody(req.raw);
      return sendGraph(reply, 401, errorBody(accessErrors.adminKeyMissing()), {});
    }
  };
}
