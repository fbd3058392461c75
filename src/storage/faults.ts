import { errors, GraphError } from "../domain/errors.ts";

/**
 * A database failure that is not the request's fault and may pass: the connection was lost or
 * refused (PostgreSQL restarting, failing over, an operator terminating backends), or the SQLite file
 * cannot take the write now (disk full, read-only, locked by another process past busy_timeout).
 */
export interface DatabaseFault {
  /** The driver's own code: `57P01`, `ECONNREFUSED`, `SQLITE_FULL`… */
  code: string;
  /** The driver's message (never carries row values: drivers do not put parameters in it). */
  message: string;
  /** The connection itself is gone (PostgreSQL): a read may be tried again on another one. */
  connectionLost: boolean;
  /** Where it happened: `query`, `connect`, `pool`, `listen`, `heartbeat`, `commit`… */
  during: string;
}

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot
// connect now), 53300 (too many connections), 55000 on connect (database not accepting connections).
const PG_LOST = /^(08\d{3}|57P0[1-3])$/;
const PG_UNAVAILABLE = /^(53300|53100|55000)$/;
const NODE_SOCKET = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
// pg reports a socket closed under it with these messages and no code.
const PG_LOST_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;
// SQLite's extended codes start with the primary one (SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED…).
const SQLITE_PASSING = /^SQLITE_(FULL|BUSY|LOCKED|READONLY|IOERR|CANTOPEN|NOMEM|PROTOCOL)/;

/** Classifies a driver error; undefined for anything that is the query's or the code's fault. */
export function databaseFaultOf(e: unknown, during = "query"): DatabaseFault | undefined {
  if (typeof e !== "object" || e === null || e instanceof GraphError) return undefined;
  const { code, message } = e as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(e);
  if (typeof code === "string") {
    if (PG_LOST.test(code) || NODE_SOCKET.test(code)) return { code, message: text, connectionLost: true, during };
    if (PG_UNAVAILABLE.test(code)) return { code, message: text, connectionLost: false, during };
    if (SQLITE_PASSING.test(code)) return { code, message: text, connectionLost: false, during };
  }
  if (PG_LOST_MESSAGE.test(text)) return { code: "connection_lost", message: text, connectionLost: true, during };
  return undefined;
}

/** Hears every database fault of one connection (serve logs them; nobody listening drops them). */
export class DatabaseFaults {
  readonly #listeners = new Set<(f: DatabaseFault, cause: unknown) => void>();
  /** Faults seen so far, by code (tests and the fault test's figures). */
  readonly counts = new Map<string, number>();
  /** Errors translate() made (already reported: observe() skips them). */
  readonly #made = new WeakSet<object>();

  listen(listener: (f: DatabaseFault, cause: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(f: DatabaseFault, cause: unknown): void {
    this.counts.set(f.code, (this.counts.get(f.code) ?? 0) + 1);
    for (const l of this.#listeners) {
      try {
        l(f, cause);
      } catch {
        // a listener's failure (a closed log stream) must not replace the database's error
      }
    }
  }

  /**
   * The error a caller gets for `e`: a database fault becomes Graph's transient error (code 2,
   * `is_transient`, HTTP 503) carrying the driver's error as its cause, and is reported once;
   * anything else is returned as it is.
   */
  translate(e: unknown, during = "query"): unknown {
    const fault = databaseFaultOf(e, during);
    if (fault === undefined) return e;
    this.report(fault, e);
    const made = errors.serviceUnavailable(e);
    this.#made.add(made);
    return made;
  }

  /** For errors that have no caller to go to (an idle connection dying, a heartbeat): report only. */
  observe(e: unknown, during: string): void {
    if (typeof e === "object" && e !== null && this.#made.has(e)) return;
    const fault = databaseFaultOf(e, during);
    this.report(fault ?? { code: codeOf(e), message: e instanceof Error ? e.message : String(e), connectionLost: false, during }, e);
  }
}

const codeOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
};
