import { type GraphAuthError, GraphError, type GraphErrorInit, type GraphErrorType } from "./graph-error.ts";

/**
 * One catalogue entry: the wire shape of an error and what docs/errors.md says about it. The docs
 * table is rendered from these specs (`npm run docs:errors`), so it cannot drift from what is sent.
 */
export interface ErrorSpec<A extends unknown[]> {
  code: number;
  type: GraphErrorType;
  /** HTTP status (`suppress_http_code=1` turns it into 200). */
  status: number;
  /** A fixed subcode, or one the arguments choose (then `subcodes` lists the values it is used with). */
  subcode?: number | ((...args: A) => number);
  subcodes?: readonly number[];
  authError?: GraphAuthError;
  /** Sent as `is_transient: true`: retrying later may succeed. */
  transient?: boolean;
  /** Seconds sent as `Retry-After`. */
  retryAfter?: (...args: A) => number;
  /** The failure behind this answer, kept as the error's `cause` for the log. */
  cause?: (...args: A) => unknown;
  userTitle?: string;
  userMsg?: string;
  message: (...args: A) => string;
  /** Arguments that turn `message` into the template the docs show (placeholders in angle brackets). */
  docArgs: readonly unknown[];
  /** When this answer is given, and so what to change: one line of docs/errors.md. */
  when: string;
}

/** An entry: call it to build the error; `spec` is what the docs generator reads. */
export type CatalogueEntry<A extends unknown[], E extends GraphError = GraphError> = ((...args: A) => E) & { readonly spec: ErrorSpec<A> };

/** Builds an entry from its spec; `make` builds a subclass for callers that catch it by kind. */
export function entry<A extends unknown[], E extends GraphError = GraphError>(
  spec: ErrorSpec<A>,
  make?: (init: GraphErrorInit, ...args: A) => E,
): CatalogueEntry<A, E> {
  const build = (...args: A): E => {
    const init: GraphErrorInit = {
      message: spec.message(...args),
      type: spec.type,
      code: spec.code,
      subcode: typeof spec.subcode === "function" ? spec.subcode(...args) : spec.subcode,
      status: spec.status,
      userTitle: spec.userTitle,
      userMsg: spec.userMsg,
      isTransient: spec.transient ?? false,
      authError: spec.authError,
      retryAfter: spec.retryAfter?.(...args),
      cause: spec.cause?.(...args),
    };
    return make ? make(init, ...args) : (new GraphError(init) as E);
  };
  return Object.assign(build, { spec });
}
