import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { connect } from "node:net";
import { TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import type { CertificateAuthority } from "./certificate-authority.ts";
import { isMetaHost } from "./meta-hosts.ts";

export interface InterceptOptions {
  ca: CertificateAuthority;
  /** Hosts (or host:port) tunnelled unchanged; everything else that is not Meta's is refused. */
  allow: readonly string[];
  /** Told of each refused or failed CONNECT (host only; no request content). */
  onRefused?: (target: string, reason: string) => void;
}

const MAX_TARGET_LENGTH = 300;
const HANDSHAKE_TIMEOUT_MS = 30_000;
const TUNNEL_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Makes `server` an HTTPS proxy (the `HTTPS_PROXY` convention): a CONNECT to a Meta host on 443 is
 * answered here, TLS terminated with a certificate of the local authority, and the decrypted socket
 * handed to the same HTTP server as a new connection, so the Graph surface answers it exactly as
 * it answers direct calls. A CONNECT elsewhere is tunnelled only when allowed, and refused with a
 * 403 that says how to allow it otherwise.
 */
export function attachInterceptProxy(server: Server, opts: InterceptOptions): void {
  const allowed = new Set(opts.allow.map((a) => a.toLowerCase()));
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    client.on("error", () => client.destroy());
    const target = parseAuthority(req.url ?? "");
    if (!target) {
      refuse(
        client,
        400,
        "Bad Request",
        `leadgraph interception proxy: CONNECT needs host:port, got ${JSON.stringify((req.url ?? "").slice(0, 80))}\n`,
      );
      opts.onRefused?.((req.url ?? "").slice(0, 80), "malformed");
      return;
    }
    const { host, port } = target;
    if (isMetaHost(host) && port === 443) {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) client.unshift(head);
      const tls = new TLSSocket(client, { isServer: true, secureContext: opts.ca.secureContextFor(host), ALPNProtocols: ["http/1.1"] });
      tls.on("error", () => tls.destroy());
      // A client that opens the tunnel and never finishes the handshake would hold the socket forever.
      const guard = setTimeout(() => tls.destroy(), HANDSHAKE_TIMEOUT_MS);
      tls.once("secure", () => clearTimeout(guard));
      tls.once("close", () => clearTimeout(guard));
      server.emit("connection", tls);
      return;
    }
    if (allowed.has(host) || allowed.has(`${host}:${port}`)) {
      tunnel(client, head, host, port, opts);
      return;
    }
    opts.onRefused?.(`${host}:${port}`, "not allowed");
    refuse(
      client,
      403,
      "Forbidden",
      `leadgraph interception proxy: refused CONNECT ${host}:${port}.\n` +
        `leadgraph answers only for graph.facebook.com, www.facebook.com and graph-video.facebook.com (port 443); ` +
        "other hosts are not reached unless you allow them.\n" +
        `To tunnel this host unchanged, start leadgraph with --intercept-allow ${host} (or LEADGRAPH_INTERCEPT_ALLOW=${host}); ` +
        `to keep the client from using the proxy for it, add it to NO_PROXY.\n`,
    );
  });
}

/**
 * Plain-HTTP proxy requests (`GET https://graph.facebook.com/v25.0/…` sent to the proxy in
 * absolute form, as some HTTP clients do instead of CONNECT): a Meta host's path is served as if
 * asked directly; any other host is refused. Returns whether the request was answered here.
 */
export function answerAbsoluteForm(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "";
  if (url.startsWith("/")) return false;
  let parsed: URL | undefined;
  try {
    parsed = /^https?:\/\//i.test(url) ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && isMetaHost(parsed.hostname)) {
    req.url = `${parsed.pathname}${parsed.search}`;
    return false;
  }
  const body = `leadgraph interception proxy: refused ${parsed ? parsed.host : "a request"} (not a Meta host leadgraph answers for).\n`;
  res.writeHead(403, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);
  return true;
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  if (authority.length === 0 || authority.length > MAX_TARGET_LENGTH) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(authority);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!.toLowerCase().replace(/^\[|\]$/g, ""), port };
}

function refuse(client: Duplex, status: number, reason: string, body: string): void {
  client.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function tunnel(client: Duplex, head: Buffer, host: string, port: number, opts: InterceptOptions): void {
  const upstream = connect({ host, port, timeout: TUNNEL_CONNECT_TIMEOUT_MS });
  let connected = false;
  upstream.once("timeout", () => {
    if (!connected) upstream.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" }));
  });
  upstream.once("connect", () => {
    connected = true;
    upstream.setTimeout(0);
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on("error", (e: NodeJS.ErrnoException) => {
    opts.onRefused?.(`${host}:${port}`, e.code ?? "unreachable");
    if (!connected) {
      refuse(client, 502, "Bad Gateway", `leadgraph interception proxy: could not reach ${host}:${port} (${e.code ?? e.message}).\n`);
    } else client.destroy();
  });
  client.on("close", () => upstream.destroy());
}
