import pino from "pino";

/** The few log calls the sync service makes; pino in production, anything compatible in tests. */
export interface SyncLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** JSON logs on stderr (stdout carries the one "listening on" line). Tokens and secrets are never passed in. */
export function createSyncLog(level: string): SyncLog {
  return pino({ level, base: { svc: "leadgraph-sync" } }, pino.destination(2));
}
