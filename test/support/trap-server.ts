import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP listener on a loopback address that counts every TCP connection it accepts. By
 * default it answers Meta's handshake correctly, so a request the outbound policy should have
 * refused would visibly succeed (and be counted) instead of failing for another reason.
 */
export class TrapServer {
  connections = 0;
  requests: { method: string; url: string }[] = [];
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (req, res) => {
    const url = new URL(req.url ?? "/", "http://trap");
    res.writeHead(200, { "content-type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "ok");
  };
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({ method: req.method ?? "", url: req.url ?? "" });
        this.handler(req, res, Buffer.concat(chunks));
      });
    });
    this.#server.on("connection", () => this.connections++);
  }

  async start(host = "127.0.0.1", port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  reset(): void {
    this.connections = 0;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
