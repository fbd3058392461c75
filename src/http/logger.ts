import type { FastifyServerOptions } from "fastify";
import { redactUrl } from "./redact.ts";

/**
 * Structured JSON logs (pino). Request URLs are logged with tokens masked; headers that carry
 * credentials are never logged.
 */
export function loggerOptions(level: string): FastifyServerOptions["logger"] {
  if (level === "silent") return false;
  return {
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.access_token", "*.client_secret"], censor: "[redacted]" },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
