import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

/**
 * Logs every database fault with the driver's own code (57P01, ECONNREFUSED, SQLITE_FULL,
 * SQLITE_READONLY, SQLITE_BUSY…) and where it happened, so an operator reads the real cause and not
 * the transient error the client was given. Driver messages for these faults carry no row values.
 */
export function logDatabaseFaults(runtime: Runtime, log: FastifyBaseLogger): () => void {
  return runtime.connection.faults.listen((f) => {
    log.warn({ db_error: f.code, during: f.during }, `database ${f.code} during ${f.during}: ${f.message}`);
  });
}
