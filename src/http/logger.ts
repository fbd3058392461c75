import { LogController, type FastifyServerOptions } from "fastify";
import { redactUrl } from "./redact.ts";

/** Probes scraped every few seconds would drown the request log. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Structured JSON logs (pino). Request URLs are logged with tokens masked; headers that carry
 * credentials are never logged. `stream` lets tests read what would be written.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  if (level === "silent") return false;
  return {
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.access_token", "*.client_secret"], censor: "[redacted]" },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(stream ? { stream } : {}),
  };
}

/**
 * Every request's log lines carry `fbtrace_id`, the same id the response returns in
 * `x-fb-trace-id` and in error bodies, so a client's report leads straight to the log lines.
 */
export function graphLogController(): LogController {
  return new LogController({
    requestIdLogLabel: "fbtrace_id",
    disableRequestLogging: (req) => QUIET_PATHS.has(req.url.split("?")[0] ?? ""),
  });
}
