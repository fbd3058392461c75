import { Agent, request } from "undici";

export interface PostResult {
  httpStatus: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  ok: boolean;
}

export const RESPONSE_EXCERPT_BYTES = 4096;

export const WEBHOOK_USER_AGENT = "facebookexternalua";

/** One shared keep-alive pool for every receiver. */
export function webhookAgent(): Agent {
  return new Agent({ keepAliveTimeout: 10_000, connections: 64 });
}

/** POSTs exactly `body`; any 2xx within the timeout is success, everything else a failure to retry. */
export async function postWebhook(agent: Agent, url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  try {
    const res = await request(url, {
      method: "POST", body, headers, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    const excerpt = await readExcerpt(res.body);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      httpStatus: res.statusCode, latencyMs: Math.round(performance.now() - started), responseExcerpt: excerpt,
      error: ok ? null : `receiver answered HTTP ${res.statusCode}`, ok,
    };
  } catch (e) {
    return { httpStatus: null, latencyMs: Math.round(performance.now() - started), responseExcerpt: null, error: describeError(e, timeoutMs), ok: false };
  }
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_EXCERPT_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8");
}

export function describeError(e: unknown, timeoutMs: number): string {
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
