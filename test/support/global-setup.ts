import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of a reachable PostgreSQL, or "" when PostgreSQL tests are skipped. */
    pgAdminUrl: string;
  }
}

/**
 * Decides once whether PostgreSQL tests run. In CI (CI set) they must: an unreachable server fails
 * the run. Elsewhere they are skipped with one line saying why.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.LEADGRAPH_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    project.provide("pgAdminUrl", url);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`PostgreSQL is required in CI but ${url} is unreachable: ${why}`, { cause: e });
    process.stdout.write(`\nPostgreSQL tests SKIPPED: cannot reach ${url} (${why}). Set LEADGRAPH_TEST_PG_URL to run them.\n\n`);
    project.provide("pgAdminUrl", "");
  } finally {
    await client.end().catch(() => undefined);
  }
}
