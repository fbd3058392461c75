import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP proxy in front of a Graph server that plays the lead rate limit: for the first
 * `throttle` lead reads it answers Meta's 80005 with an `X-Business-Use-Case-Usage` header, and on
 * the answers it passes through it reports usage at `usagePercent`. Stands in until the server's own
 * limiter can be driven by the tests.
 */
export class RateLimitProxy {
  readonly #target: string;
  #server: Server | undefined;
  throttleLeft: number;
  usagePercent: number;
  throttled = 0;
  passed = 0;
  url = "";

  constructor(target: string, opts: { throttle: number; usagePercent: number }) {
    this.#target = target;
    this.throttleLeft = opts.throttle;
    this.usagePercent = opts.usagePercent;
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const isLeadRead = /\/(leads|leadgen_forms)\b/.test(req.url ?? "") || /^\/v\d+\.\d+\/\d+\?/.test(req.url ?? "");
        const usage = (pct: number, regainMin: number) =>
          JSON.stringify({
            "3001": [{ type: "leadgen", call_count: pct, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: regainMin }],
          });
        if (isLeadRead && this.throttleLeft > 0) {
          this.throttleLeft -= 1;
          this.throttled += 1;
          res.writeHead(400, { "content-type": "application/json", "x-business-use-case-usage": usage(100, 1) });
          res.end(
            JSON.stringify({
              error: {
                message: "(#80005) There have been too many leadgen api calls to this Page account. Wait a bit and try again.",
                type: "OAuthException",
                code: 80005,
                fbtrace_id: "PROXY",
              },
            }),
          );
          return;
        }
        this.passed += 1;
        const upstream = await fetch(`${this.#target}${req.url}`, {
          method: req.method ?? "GET",
          headers: Object.fromEntries(
            Object.entries(req.headers)
              .filter(([k]) => !["host", "connection", "content-length"].includes(k))
              .map(([k, v]) => [k, String(v)]),
          ),
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        const headers: Record<string, string> = { "content-type": upstream.headers.get("content-type") ?? "application/json" };
        headers["x-business-use-case-usage"] = usage(this.usagePercent, 0);
        res.writeHead(upstream.status, headers).end(body);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}
