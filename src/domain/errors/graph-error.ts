/** The `type` of Graph's error envelope. */
export type GraphErrorType = "OAuthException" | "GraphMethodException" | "IGApiException";

/** What `WWW-Authenticate: OAuth "Facebook Platform" "<authError>" "<message>"` names. */
export type GraphAuthError = "invalid_token" | "invalid_request";

export interface GraphErrorInit {
  message: string;
  type: GraphErrorType;
  code: number;
  subcode?: number;
  status: number;
  userTitle?: string;
  userMsg?: string;
  isTransient?: boolean;
  /** Sets `WWW-Authenticate: OAuth "Facebook Platform" "<authError>" "<message>"`. */
  authError?: GraphAuthError;
  /** Sets `Retry-After: <seconds>` (throttled attempts). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * A failure as Graph reports it. Built only by the catalogue's entries (test/error-construction.test.ts
 * fails on a construction anywhere else), so every wire shape is listed, and documented, in one place.
 */
export class GraphError extends Error {
  readonly type: GraphErrorType;
  readonly code: number;
  readonly subcode: number | undefined;
  readonly status: number;
  readonly userTitle: string | undefined;
  readonly userMsg: string | undefined;
  readonly isTransient: boolean;
  readonly authError: GraphAuthError | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: GraphErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "GraphError";
    this.type = init.type;
    this.code = init.code;
    this.subcode = init.subcode;
    this.status = init.status;
    this.userTitle = init.userTitle;
    this.userMsg = init.userMsg;
    this.isTransient = init.isTransient ?? false;
    this.authError = init.authError;
    this.retryAfter = init.retryAfter;
  }
}

export const isGraphError = (e: unknown): e is GraphError => e instanceof GraphError;

/** 100/33, Meta's answer for an object that does not exist or that the caller may not see. */
export const isUnknownObjectError = (e: unknown): e is GraphError => isGraphError(e) && e.code === 100 && e.subcode === 33;
