import { dirname, resolve } from "node:path";
import type { Server } from "node:http";
import type { Config } from "../runtime/config.ts";
import { CertificateAuthority } from "./certificate-authority.ts";
import { attachInterceptProxy } from "./intercept-proxy.ts";

/** Where the interception authority is kept: configured, else beside the SQLite file, else ./.leadgraph. */
export const interceptCaDirOf = (config: Pick<Config, "interceptCaDir" | "databaseUrl" | "db">): string =>
  resolve(config.interceptCaDir ?? (config.databaseUrl ? ".leadgraph" : dirname(resolve(config.db))));

/** Turns interception on for a server: loads (or creates) the authority and answers CONNECT. */
export function enableInterception(
  server: Server,
  config: Config,
  onRefused?: (target: string, reason: string) => void,
): CertificateAuthority {
  const ca = CertificateAuthority.loadOrCreate(interceptCaDirOf(config));
  attachInterceptProxy(server, { ca, allow: config.interceptAllow, ...(onRefused ? { onRefused } : {}) });
  return ca;
}

/**
 * The environment that sends an unmodified client through the proxy and makes it trust the
 * authority, for the clients docs/intercept.md covers. `proxyUrl` is where the client reaches leadgraph.
 */
export function interceptEnvironment(proxyUrl: string, caPath: string): string {
  return [
    "interception mode: graph.facebook.com, www.facebook.com and graph-video.facebook.com are answered by leadgraph.",
    `  CA certificate: ${caPath}`,
    "  every client:",
    `    export HTTPS_PROXY=${proxyUrl} https_proxy=${proxyUrl}`,
    "  Node (axios, the business SDK, got, https with an agent):",
    `    export NODE_EXTRA_CA_CERTS=${caPath}`,
    "    (fetch ignores HTTPS_PROXY unless NODE_USE_ENV_PROXY=1 on Node >= 22.21 / 24.5; see docs/intercept.md)",
    "  Python requests / httpx:",
    `    export REQUESTS_CA_BUNDLE=${caPath} SSL_CERT_FILE=${caPath}`,
    "  curl:",
    `    curl --proxy ${proxyUrl} --cacert ${caPath} https://graph.facebook.com/v25.0/me?access_token=…`,
    "  Go (net/http on Linux):",
    `    export SSL_CERT_FILE=${caPath}`,
    "",
  ].join("\n");
}
