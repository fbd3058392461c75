import pino from "pino";
import pinoPretty from "pino-pretty";
import { redactLogArgs, secretLogPaths } from "../contract/redact-secrets.ts";

/** The few log calls the sync service makes; pino in production, anything compatible in tests. */
export interface SyncLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Where sync logs go: stderr. A person at a terminal reads one short line per event (catch-up
 * progress reads "form 8001: 1,200/104,549 leads, 850/s, ETA 2m03s"); anything else (a file, a
 * collector) gets one JSON object per line.
 */
export function syncLogDestination(tty = process.stderr.isTTY === true): pino.DestinationStream {
  if (!tty) return pino.destination(2);
  return pinoPretty({ destination: 2, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,svc,progress" });
}

/**
 * Logs on stderr (stdout carries the one "listening on" line). Tokens and secrets are never
 * passed in; messages quoting a URL or an error (a Graph call's URL carries access_token and
 * appsecret_proof) are masked by the same rule as the server's logs all the same.
 */
export function createSyncLog(level: string, stream: pino.DestinationStream = syncLogDestination()): SyncLog {
  return pino(
    {
      level,
      base: { svc: "leadgraph-sync" },
      redact: { paths: secretLogPaths(), censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactLogArgs(args));
        },
      },
    },
    stream,
  );
}
