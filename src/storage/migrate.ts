import type { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { migrations } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

/**
 * Brings the schema up to date. Kysely's migrator holds a lock while it runs (a transaction-scoped
 * advisory lock on PostgreSQL), so instances starting together migrate exactly once and all come up.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "leadgraph_migrations",
    migrationLockTableName: "leadgraph_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error("database migration failed", { cause: error });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** True when every migration in the repo has been applied (readiness). */
export async function isMigrated(db: Kysely<Database>): Promise<boolean> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "leadgraph_migrations",
    migrationLockTableName: "leadgraph_migrations_lock",
  });
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
