import { type Agent, request } from "undici";
import type { OutboundPolicy } from "../domain/webhooks/outbound-policy.ts";
import { outboundAgent, refusalOf } from "./outbound-agent.ts";

export interface PostResult {
  httpStatus: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  ok: boolean;
}

export const RESPONSE_EXCERPT_BYTES = 4096;

export const WEBHOOK_USER_AGENT = "facebookexternalua";

/** One shared keep-alive pool for every receiver; every connection it opens obeys the outbound policy. */
export function webhookAgent(policy: OutboundPolicy): Agent {
  return outboundAgent(policy, { keepAliveTimeout: 10_000, connections: 64 });
}

/** POSTs exactly `body`; any 2xx within the timeout is success, everything else a failure to retry. */
export async function postWebhook(
  agent: Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now();
  try {
    const res = await request(url, {
      method: "POST",
      body,
      headers,
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const excerpt = await readExcerpt(res.body);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      httpStatus: res.statusCode,
      latencyMs: Math.round(performance.now() - started),
      responseExcerpt: excerpt,
      error: ok ? null : `receiver answered HTTP ${res.statusCode}`,
      ok,
    };
  } catch (e) {
    return {
      httpStatus: null,
      latencyMs: Math.round(performance.now() - started),
      responseExcerpt: null,
      error: describeError(e, timeoutMs),
      ok: false,
    };
  }
}

/** The first `limit` bytes of an answer, as text; the rest is never read. */
export async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }, limit = RESPONSE_EXCERPT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** The delivery log's account of a failed POST (operators read it; Graph callers never do). */
export function describeError(e: unknown, timeoutMs: number): string {
  const refused = refusalOf(e);
  if (refused) return refused.message;
  if (e instanceof Error) {
    if (e.name === "TimeoutError" || e.name === "AbortError" || /timeout/i.test((e as { code?: string }).code ?? "")) {
      return `no answer within ${timeoutMs} ms`;
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const code = (e as { code?: string }).code ?? cause?.code;
    return code ? `${code}: ${cause?.message ?? e.message}` : e.message;
  }
  return String(e);
}
