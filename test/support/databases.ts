import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";

export interface TestDatabase {
  name: "sqlite" | "postgres";
  /** Config fields for createRuntime: `db` or `databaseUrl`. */
  config: { db: string } | { db: string; databaseUrl: string };
  /** Key material to share between runtimes on the same database. */
  secretKey: string;
  drop(): Promise<void>;
}

/** The databases every storage-touching test runs on: SQLite always, PostgreSQL when reachable. */
export function databaseKinds(): ("sqlite" | "postgres")[] {
  return inject("pgAdminUrl") ? ["sqlite", "postgres"] : ["sqlite"];
}

/** A fresh, empty database: a temp SQLite file, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(kind: "sqlite" | "postgres"): Promise<TestDatabase> {
  const secretKey = randomBytes(24).toString("hex");
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "leadgraph-test-"));
    return {
      name: "sqlite",
      config: { db: join(dir, "test.db") },
      secretKey,
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = inject("pgAdminUrl");
  if (!admin) throw new Error("PostgreSQL is not available");
  const dbName = `lg_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(admin, `create database ${dbName}`);
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  return {
    name: "postgres",
    config: { db: ":unused:", databaseUrl: url.toString() },
    secretKey,
    async drop() {
      await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
    },
  };
}

/** One statement on its own connection (DDL, setup), outside any pool under test. */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
