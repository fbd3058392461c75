import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { GraphError } from "../domain/errors.ts";
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

export const adminKeyMissing = () =>
  new GraphError({
    message: "(#190) The administration API needs the admin key: send it as Authorization: Bearer <admin key>.",
    type: "OAuthException", code: 190, status: 401, authError: "invalid_token",
  });

/**
 * A preHandler for every `/_leadgraph/admin/…` route: the admin key, compared in constant time.
 * Answers in the Graph error shape like the rest of the server.
 */
export function requireAdminKey(adminKey: string) {
  const expected = Buffer.from(adminKey);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const given = Buffer.from(adminKeyOf(req) ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      graphHeaders(reply, "v25.0");
      reply.header("www-authenticate", 'Bearer realm="leadgraph admin"');
      await drainRefusedBody(req.raw);
      return sendGraph(reply, 401, errorBody(adminKeyMissing()), {});
    }
  };
}
