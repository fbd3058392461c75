import type { IncomingHttpHeaders } from "node:http";
import { handleWebhookRequest, type WebhookHandlerOptions } from "./webhook-request.ts";

interface ReplyLike {
  code(status: number): { type(contentType: string): { send(body: string): unknown } };
}

/**
 * The part of a Fastify instance the plugin uses. Declared here rather than imported so the client
 * package needs neither Fastify nor its types; a FastifyInstance fits it.
 */
export interface FastifyLike {
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(
    contentType: string,
    opts: { parseAs: "buffer"; bodyLimit: number },
    parser: (req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => void,
  ): unknown;
  route(opts: {
    method: ("GET" | "POST")[];
    url: string;
    handler: (req: { url: string; method: string; headers: IncomingHttpHeaders; body?: unknown }, reply: ReplyLike) => Promise<unknown>;
  }): unknown;
}

/**
 * A Fastify plugin serving the webhook at `path` (default `/webhook`). It registers, inside its own
 * encapsulated context, a body parser that keeps every content type as a raw Buffer, so the rest of
 * the app keeps its JSON parser. Register with `app.register(fastifyWebhookPlugin(opts))`.
 */
export function fastifyWebhookPlugin(opts: WebhookHandlerOptions & { path?: string }): (app: FastifyLike) => Promise<void> {
  const path = opts.path ?? "/webhook";
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: opts.maxBodyBytes ?? 1 << 20 }, (_req, body, done) => done(null, body));
    app.route({
      method: ["GET", "POST"],
      url: path,
      handler: async (req, reply) => {
        const url = new URL(req.url, "http://localhost");
        const raw = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
        const a = await handleWebhookRequest({ method: req.method, query: url.searchParams, headers: req.headers, rawBody: raw }, opts);
        return reply.code(a.status).type(a.contentType).send(a.body);
      },
    });
  };
}
