import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from "fastify";
import pino from "pino";
import pinoPretty from "pino-pretty";
import { redactLogArgs, redactText, redactUrl, secretLogPaths } from "./redact.ts";

/** Probes scraped every few seconds would drown the request log. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Errors are logged with credentials masked in their message and stack (a URL quoted by a failed fetch). */
export const redactedErr = (err: Error): { [key: string]: unknown; type: string; message: string; stack: string } => {
  const out = pino.stdSerializers.err(err);
  return { ...out, message: redactText(out.message), stack: redactText(out.stack) };
};

/**
 * Where the server's logs go: stderr, so stdout carries only the banner (`leadgraph listening on …`,
 * the admin key) that scripts read. A person at a terminal reads one short line per event; anything
 * else (a file, journald, a collector) gets one JSON object per line.
 */
export function logDestination(tty = process.stderr.isTTY === true): NodeJS.WritableStream | pino.DestinationStream {
  if (!tty) return pino.destination({ dest: 2, sync: true });
  return pinoPretty({
    destination: 2,
    sync: true,
    colorize: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,req,res,responseTime,route",
    messageFormat: (log, key) => (isRequestLine(log) ? requestSummary(log) : String(log[key])),
  });
}

interface RequestLine {
  req: { method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}
const isRequestLine = (log: Record<string, unknown>): log is Record<string, unknown> & RequestLine =>
  typeof log.req === "object" &&
  log.req !== null &&
  typeof log.res === "object" &&
  log.res !== null &&
  typeof log.responseTime === "number";
const requestSummary = (log: RequestLine): string =>
  `${log.req.method} ${log.req.url} ${log.res.statusCode} ${log.responseTime.toFixed(1)} ms`;

/**
 * Structured logs (pino). Request URLs are logged with credentials masked, by the decoded
 * parameter name (contract/redact-secrets.ts); headers that carry credentials are never logged.
 * `stream` lets tests read what would be written.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  if (level === "silent") return false;
  return {
    level,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-leadgraph-admin-key"]', ...secretLogPaths()],
      censor: "[redacted]",
    },
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
    stream: stream ?? logDestination(),
  };
}

/** Whether a request is left out of the request log (probes). */
export const isQuietPath = (url: string): boolean => QUIET_PATHS.has(url.split("?")[0] ?? "");

/**
 * One line per request, written when the answer is sent: method, URL (credentials masked by the
 * `req` serializer), the route it matched, status and duration. Fastify's default is two lines
 * (incoming, completed), which doubles the log of a busy server for no information.
 */
class OneLinePerRequest extends LogController {
  /** At debug only: an operator chasing a request that never finishes can see it arrive. */
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, route: request.routeOptions.url, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/**
 * Every request's log line carries `fbtrace_id`, the same id the response returns in
 * `x-fb-trace-id` and in error bodies, so a client's report leads straight to the log line.
 */
export function graphLogController(): LogController {
  return new OneLinePerRequest({
    requestIdLogLabel: "fbtrace_id",
    disableRequestLogging: (req) => isQuietPath((req as { url: string }).url),
  });
}
