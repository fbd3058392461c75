import { answerChallenge } from "./answer-challenge.ts";
import { type LeadgenChange, parseLeadgenWebhook, WebhookBodyError } from "./parse-leadgen-webhook.ts";
import { type HeaderSource, verifySignature } from "./verify-signature.ts";

/** Configuration shared by the ready-made webhook handlers. */
export interface WebhookHandlerOptions {
  /** App secret the signatures are checked with. */
  appSecret: string;
  /** Verify token typed into the app's webhook settings. */
  verifyToken: string;
  /**
   * Receives the leadgen changes of one verified POST. The handler answers 200 only after this
   * resolves (store durably, then return quickly); a rejection answers 500 so Meta retries.
   */
  onLeadgen: (changes: LeadgenChange[], raw: Uint8Array) => Promise<void> | void;
  /** Largest body accepted, default 1 MiB (Meta batches at most 1,000 changes). */
  maxBodyBytes?: number;
}

/** Transport-neutral description of an answer. */
export interface WebhookAnswer {
  status: number;
  body: string;
  contentType: string;
}

const text = (status: number, body: string): WebhookAnswer => ({ status, body, contentType: "text/plain; charset=utf-8" });

/** Handles one webhook request once its raw body is known; every ready-made handler calls this. */
export async function handleWebhookRequest(
  req: { method: string; query: URLSearchParams; headers: HeaderSource; rawBody: Uint8Array },
  opts: WebhookHandlerOptions,
): Promise<WebhookAnswer> {
  if (req.method === "GET") {
    const a = answerChallenge(req.query, opts.verifyToken);
    return text(a.status, a.body);
  }
  if (req.method !== "POST") return text(405, "method not allowed");
  const check = verifySignature(req.rawBody, req.headers, opts.appSecret);
  // 401 when no signature came at all, 403 when one came and is wrong.
  if (!check.ok) return text(check.reason === "missing" ? 401 : 403, `signature ${check.reason}`);
  let changes: LeadgenChange[];
  try {
    changes = parseLeadgenWebhook(req.rawBody);
  } catch (e) {
    if (e instanceof WebhookBodyError) return text(400, e.message);
    throw e;
  }
  try {
    await opts.onLeadgen(changes, req.rawBody);
  } catch {
    return text(500, "could not record the notification; retry");
  }
  return text(200, "EVENT_RECEIVED");
}

/** Reads a node stream fully, refusing bodies over the limit. */
export async function readRaw(stream: AsyncIterable<Uint8Array | string>, max: number): Promise<Uint8Array | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk);
    size += b.length;
    if (size > max) return undefined;
    parts.push(b);
  }
  return Buffer.concat(parts);
}
