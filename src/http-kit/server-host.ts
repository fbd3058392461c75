import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";
import { clearWorld } from "../storage/index.ts";
import { loadWorld, parseWorld, type WorldSummary } from "../world/load-world.ts";

export interface Hosted {
  runtime: Runtime;
  app: FastifyInstance;
}

export interface ServerHostOptions {
  host: string;
  /** 0 = a free port, read back from the listening socket. */
  port: number;
  /** Base of absolute links; the bound address when absent. */
  publicUrl?: string;
  /** A runtime and its app, not listening; called at start and at every reset. */
  build: (publicUrl: string) => Promise<Hosted>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A hosted runtime and the requests it is still answering. */
interface Slot {
  hosted: Hosted;
  listener: Listener;
  active: number;
  drained?: () => void;
}

/** The host serving a runtime, looked up by the admin reset route. */
const hosts = new WeakMap<Runtime, ServerHost>();
export const hostOf = (runtime: Runtime): ServerHost | undefined => hosts.get(runtime);

/**
 * One listening socket in front of a runtime that a reset replaces. The socket is bound first (port
 * 0 is read back from it, so no port is picked and then listened on), then the app is built with
 * that address. A reset empties the world's tables, builds a fresh runtime and app (so no process
 * cache remembers the old world), loads the new world and switches requests over; the old app
 * finishes what it was answering (the reset request itself, for one) and closes in the background.
 */
export class ServerHost {
  readonly url: string;
  readonly #server: Server;
  readonly #opts: ServerHostOptions;
  #current: Slot | undefined;
  #retiring = new Set<Promise<void>>();
  #resetting: Promise<unknown> = Promise.resolve();

  private constructor(server: Server, url: string, opts: ServerHostOptions) {
    this.#server = server;
    this.url = url;
    this.#opts = opts;
  }

  static async start(opts: ServerHostOptions): Promise<ServerHost> {
    let host: ServerHost | undefined;
    const server = createServer((req, res) => {
      const current = host === undefined ? undefined : host.#current;
      if (current) current.listener(req, res);
      else res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("leadgraph is starting or resetting\n");
    });
    // The app's server is never bound: what Node raises on the bound one goes to it, so malformed
    // requests get the app's Graph answers (431, 400) and CONNECT reaches the interception proxy.
    server.on("clientError", (err: Error, socket: Duplex) => {
      const app = host === undefined ? undefined : host.#current?.hosted.app.server;
      if (app && app.listenerCount("clientError") > 0) app.emit("clientError", err, socket);
      else socket.destroy();
    });
    server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const app = host === undefined ? undefined : host.#current?.hosted.app.server;
      if (app && app.listenerCount("connect") > 0) app.emit("connect", req, socket, head);
      else socket.end("HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\n\r\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: opts.port, host: opts.host }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const name = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : opts.host.includes(":") ? `[${opts.host}]` : opts.host;
    host = new ServerHost(server, `http://${name}:${port}`, opts);
    try {
      await host.#install(await opts.build(host.publicUrl));
    } catch (e) {
      await new Promise<void>((r) => server.close(() => r()));
      throw e;
    }
    return host;
  }

  get publicUrl(): string {
    return this.#opts.publicUrl?.replace(/\/+$/, "") ?? this.url;
  }

  get current(): Hosted {
    if (!this.#current) throw new Error("leadgraph is not running");
    return this.#current.hosted;
  }

  /** Empties the world's tables and loads `world` (nothing when absent) into a fresh runtime. */
  reset(world?: unknown): Promise<WorldSummary | undefined> {
    // A world that does not parse is refused before anything is emptied.
    if (world !== undefined) parseWorld(world);
    const run = this.#resetting.then(async () => {
      const old = this.#current;
      if (!old) throw new Error("leadgraph is not running");
      await clearWorld(old.hosted.runtime.connection.db);
      this.#current = undefined;
      this.#retire(old);
      const next = await this.#opts.build(this.publicUrl);
      const summary =
        world === undefined
          ? undefined
          : await loadWorld(next.runtime.services, world).catch(async (e) => {
              // The world did not load: serve the empty one rather than none.
              await this.#install(next);
              throw e;
            });
      await this.#install(next);
      return summary;
    });
    this.#resetting = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#resetting;
    const closed = new Promise<void>((r) => this.#server.close(() => r()));
    this.#server.closeIdleConnections();
    if (this.#current) this.#retire(this.#current);
    this.#current = undefined;
    await Promise.all(this.#retiring);
    this.#server.closeAllConnections();
    await closed;
  }

  async #install(hosted: Hosted): Promise<void> {
    await hosted.app.ready();
    // The app's own request listener (Fastify's, behind the interception proxy when on), called for this socket.
    const appListener = hosted.app.server.listeners("request")[0] as Listener;
    const slot: Slot = {
      hosted,
      active: 0,
      listener: (req, res) => {
        slot.active++;
        res.once("close", () => {
          if (--slot.active === 0) slot.drained?.();
        });
        appListener(req, res);
      },
    };
    this.#server.keepAliveTimeout = hosted.app.server.keepAliveTimeout;
    this.#server.requestTimeout = hosted.app.server.requestTimeout;
    hosts.set(hosted.runtime, this);
    this.#current = slot;
  }

  /** Closes a replaced runtime once the requests it took have been answered. */
  #retire(slot: Slot): void {
    const { hosted } = slot;
    const done = (async () => {
      if (slot.active > 0)
        await new Promise<void>((r) => {
          slot.drained = r;
        });
      try {
        await hosted.app.close();
      } finally {
        await hosted.runtime.close();
      }
    })()
      .catch(() => undefined)
      .finally(() => this.#retiring.delete(done));
    this.#retiring.add(done);
  }
}
