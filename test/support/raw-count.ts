import Database from "better-sqlite3";
import pg from "pg";
import type { TestDatabase } from "./databases.ts";

/**
 * Counts rows of a table straight from the database, for tables no repository reads back yet
 * (the leadgen outbox `lead_events`). The table name is a fixed identifier from the test itself.
 */
export async function countRows(db: TestDatabase, table: "lead_events" | "leads" | "forms"): Promise<number> {
  if ("databaseUrl" in db.config) {
    const client = new pg.Client({ connectionString: db.config.databaseUrl });
    await client.connect();
    try {
      const res = await client.query(`select count(*)::int as n from ${table}`);
      return res.rows[0].n as number;
    } finally {
      await client.end();
    }
  }
  const sqlite = new Database(db.config.db, { readonly: true, fileMustExist: true });
  try {
    return (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

/**
 * Rows of a query run straight on the database, bypassing the product: what an erasure must have
 * removed is looked for where it would be, not through the code that removed it. `?` placeholders.
 */
export async function rawRows(db: TestDatabase, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if ("databaseUrl" in db.config) {
    const client = new pg.Client({ connectionString: db.config.databaseUrl });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    } finally {
      await client.end();
    }
  }
  const sqlite = new Database(db.config.db, { readonly: true, fileMustExist: true });
  try {
    return sqlite.prepare(text).all(...params) as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}
