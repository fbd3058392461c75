import type { IncomingMessage, ServerResponse } from "node:http";
import { handleWebhookRequest, readRaw, type WebhookHandlerOptions } from "./webhook-request.ts";

type ExpressLikeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/**
 * An Express handler (`app.all("/webhook", expressWebhookHandler(opts))`). Mount it before any JSON
 * body parser, or behind `express.raw({ type: "*\/*" })`: a body already parsed as JSON cannot be
 * verified, and the handler answers 500 saying so rather than accept unverified data.
 */
export function expressWebhookHandler(
  opts: WebhookHandlerOptions,
): (req: ExpressLikeRequest, res: ServerResponse, next: (e?: unknown) => void) => void {
  return (req, res, next) => {
    void (async () => {
      const url = new URL(req.originalUrl ?? req.url ?? "/", "http://localhost");
      let raw: Uint8Array | undefined;
      if (req.method !== "POST") raw = new Uint8Array();
      else if (Buffer.isBuffer(req.body)) raw = req.body;
      else if (req.body !== undefined && req.readableEnded) {
        res
          .writeHead(500, { "content-type": "text/plain" })
          .end("webhook body was parsed before the signature check; mount the handler before express.json()");
        return;
      } else raw = await readRaw(req, opts.maxBodyBytes ?? 1 << 20);
      if (!raw) {
        res.writeHead(413, { "content-type": "text/plain" }).end("body too large");
        return;
      }
      const a = await handleWebhookRequest(
        { method: req.method ?? "GET", query: url.searchParams, headers: req.headers, rawBody: raw },
        opts,
      );
      res.writeHead(a.status, { "content-type": a.contentType }).end(a.body);
    })().catch(next);
  };
}
