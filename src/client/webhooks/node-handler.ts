import type { IncomingMessage, ServerResponse } from "node:http";
import { handleWebhookRequest, readRaw, type WebhookHandlerOptions } from "./webhook-request.ts";

/**
 * A `node:http` request listener for the webhook endpoint (handshake GET and signed POST), reading
 * the raw body itself so the signature is checked over the exact bytes Meta sent.
 */
export function createNodeWebhookHandler(opts: WebhookHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // node:http ignores what a listener returns, so a rejection (a request that breaks off mid-body)
    // would be unhandled and stop the process: it is answered 500 (Meta retries) or the socket closed.
    answer(req, res, opts).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    });
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, opts: WebhookHandlerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const raw = req.method === "POST" ? await readRaw(req, opts.maxBodyBytes ?? 1 << 20) : new Uint8Array();
  if (!raw) {
    res.writeHead(413, { "content-type": "text/plain" }).end("body too large");
    return;
  }
  const a = await handleWebhookRequest({ method: req.method ?? "GET", query: url.searchParams, headers: req.headers, rawBody: raw }, opts);
  res.writeHead(a.status, { "content-type": a.contentType }).end(a.body);
}
