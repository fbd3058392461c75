import { type Kysely, sql } from "kysely";
import { Migrator } from "kysely/migration";
import { migrations, migrationsFor } from "./migrations/index.ts";
import type { SecretBox } from "./secret-box.ts";
import type { Database } from "./schema.ts";

/**
 * Brings the schema up to date. Kysely's migrator holds a lock while it runs (a transaction-scoped
 * advisory lock on PostgreSQL), so instances starting together migrate exactly once and all come up.
 */
export async function migrateToLatest(db: Kysely<Database>, box?: SecretBox): Promise<string[]> {
  // Nothing to do also when a newer release already migrated further: Kysely would refuse the
  // migrations it does not know, and an instance of the previous release restarting during a
  // rolling upgrade must still come up (migrations keep the previous release working).
  if (await isMigrated(db)) return [];
  // Kysely locks only where DDL is transactional (PostgreSQL). On SQLite its lock is a no-op, so
  // two connections to one file (serve and `leadgraph migrate`, or two runtimes in one process)
  // would both run a pending migration; holding SQLite's write lock for the run serialises them.
  if (db.getExecutor().adapter.supportsTransactionalDdl) return migrateWith(db, box);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const applied = await migrateWith(conn, box);
      await sql`commit`.execute(conn);
      return applied;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}

const migratorFor = (db: Kysely<Database>, box?: SecretBox): Migrator =>
  new Migrator({
    db,
    provider: { getMigrations: async () => (box ? migrationsFor(box) : migrations) },
    migrationTableName: "leadgraph_migrations",
    migrationLockTableName: "leadgraph_migrations_lock",
  });

async function migrateWith(db: Kysely<Database>, box?: SecretBox): Promise<string[]> {
  const { error, results } = await migratorFor(db, box).migrateToLatest();
  if (error) throw new Error("database migration failed", { cause: error });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** True when every migration in the repo has been applied (readiness). */
export async function isMigrated(db: Kysely<Database>): Promise<boolean> {
  const list = await migratorFor(db).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
