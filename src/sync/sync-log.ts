import pino from "pino";
import { redactLogArgs, secretLogPaths } from "../contract/redact-secrets.ts";

/** The few log calls the sync service makes; pino in production, anything compatible in tests. */
export interface SyncLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * JSON logs on stderr (stdout carries the one "listening on" line). Tokens and secrets are never
 * passed in; messages quoting a URL or an error (a Graph call's URL carries access_token and
 * appsecret_proof) are masked by the same rule as the server's logs all the same.
 */
export function createSyncLog(level: string, stream: pino.DestinationStream = pino.destination(2)): SyncLog {
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
