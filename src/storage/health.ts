import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/**
 * A round trip to the database that gives up after `timeoutMs`, so a readiness probe answers
 * quickly when the database is gone instead of waiting for the pool's connection timeout.
 */
export async function pingDatabase(db: Kysely<Database>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
