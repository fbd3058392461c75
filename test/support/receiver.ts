import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPost {
  headers: IncomingMessage["headers"];
  raw: Buffer;
  body: any;
  at: number;
}

/** A real webhook receiver on a loopback port: answers the handshake and records every POST. */
export class Receiver {
  readonly posts: ReceivedPost[] = [];
  readonly gets: { url: URL; headers: IncomingMessage["headers"] }[] = [];
  /** Status answered to POSTs (or a function deciding it). */
  postStatus: number | ((p: ReceivedPost) => number) = 200;
  /** Handshake behaviour; default echoes the challenge when the token matches. */
  onGet: (url: URL) => { status: number; body: string } = (url) =>
    url.searchParams.get("hub.verify_token") === this.verifyToken
      ? { status: 200, body: url.searchParams.get("hub.challenge") ?? "" }
      : { status: 403, body: "bad token" };
  verifyToken = "vt";
  /** Milliseconds each POST is held before it is answered (recorded on arrival). */
  latencyMs = 0;
  /** When set, each POST is answered once the promise it returns settles (after `latencyMs`). */
  hold: ((p: ReceivedPost) => Promise<unknown>) | undefined;
  url = "";
  readonly #server: Server;
  #waiters: (() => void)[] = [];

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        if (req.method === "GET") {
          this.gets.push({ url, headers: req.headers });
          const r = this.onGet(url);
          res.writeHead(r.status, { "content-type": "text/plain" }).end(r.body);
          return;
        }
        const raw = Buffer.concat(chunks);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          body = undefined;
        }
        const post: ReceivedPost = { headers: req.headers, raw, body, at: Date.now() };
        const status = typeof this.postStatus === "function" ? this.postStatus(post) : this.postStatus;
        if (status >= 200 && status < 300) this.posts.push(post);
        else this.failed.push(post);
        const answer = () => {
          res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "down for maintenance");
          for (const w of this.#waiters.splice(0)) w();
        };
        const held = () => {
          if (this.hold) void this.hold(post).finally(answer);
          else answer();
        };
        if (this.latencyMs > 0) setTimeout(held, this.latencyMs);
        else held();
      });
    });
  }

  readonly failed: ReceivedPost[] = [];

  /** Forgets what was received and answers 200 again (between tests). */
  reset(): void {
    this.posts.length = 0;
    this.failed.length = 0;
    this.postStatus = 200;
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhook`;
    return this.url;
  }

  /** Every leadgen_id in successfully answered POSTs, in arrival order. */
  leadIds(): string[] {
    return this.posts.flatMap((p) => p.body.entry.flatMap((e: any) => e.changes.map((c: any) => c.value.leadgen_id)));
  }

  async waitFor(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error("timed out waiting for webhook deliveries");
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
