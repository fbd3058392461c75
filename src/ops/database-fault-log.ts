import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "../runtime/runtime.ts";

/** One line per kind of fault per second at most: an outage fails every request, and each would log. */
const REPEAT_EVERY_MS = 1000;

/**
 * Logs database faults with the driver's own code (57P01, ECONNREFUSED, SQLITE_FULL,
 * SQLITE_READONLY, SQLITE_BUSY…) and where it happened, so an operator reads the real cause and not
 * the transient error the client was given. Driver messages for these faults carry no row values.
 * Repeats of one code at one place within a second are counted into the next line (`repeated`).
 */
export function logDatabaseFaults(runtime: Runtime, log: FastifyBaseLogger): () => void {
  const recent = new Map<string, { at: number; repeated: number }>();
  return runtime.connection.faults.listen((f) => {
    const key = `${f.code} ${f.during}`;
    const now = Date.now();
    const seen = recent.get(key);
    if (seen && now - seen.at < REPEAT_EVERY_MS) {
      seen.repeated++;
      return;
    }
    recent.set(key, { at: now, repeated: 0 });
    log.warn(
      { db_error: f.code, during: f.during, ...(seen?.repeated ? { repeated: seen.repeated } : {}) },
      `database ${f.code} during ${f.during}: ${f.message}`,
    );
  });
}
