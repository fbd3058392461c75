import { LogController, type FastifyServerOptions } from "fastify";
import pino from "pino";
import { redactLogArgs, redactText, redactUrl, secretLogPaths } from "./redact.ts";

/** Probes scraped every few seconds would drown the request log. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Errors are logged with credentials masked in their message and stack (a URL quoted by a failed fetch). */
export const redactedErr = (err: Error): { [key: string]: unknown; type: string; message: string; stack: string } => {
  const out = pino.stdSerializers.err(err);
  return { ...out, message: redactText(out.message), stack: redactText(out.stack) };
};

/**
 * Structured JSON logs (pino). Request URLs are logged with credentials masked, by the decoded
 * parameter name (contract/redact-secrets.ts); headers that carry credentials are never logged.
 * `stream` lets tests read what would be written.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  if (level === "silent") return false;
  return {
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.headers[\"x-leadgraph-admin-key\"]", ...secretLogPaths()], censor: "[redacted]" },
    serializers: {
      err: redactedErr,
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    hooks: {
      // Messages are mostly constants; one that quotes a URL or a body is masked like the URL field.
      logMethod(args, method) {
        method.apply(this, redactLogArgs(args));
      },
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
