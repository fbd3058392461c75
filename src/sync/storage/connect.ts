import { preparePrivateDatabaseFile, privatiseSidecars } from "../../contract/private-files.ts";
import type { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { connectPostgres } from "./dialects/postgres/connect.ts";
import { connectSqlite } from "./dialects/sqlite/connect.ts";
import { syncMigrations } from "./migrations/index.ts";
import type { SyncDatabase } from "./schema.ts";

export type SyncDatabaseTarget = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

export interface SyncConnection {
  db: Kysely<SyncDatabase>;
  close: () => Promise<void>;
}

/** The one place the sync service chooses a driver; everything else sees Kysely<SyncDatabase>. */
export function connectSyncDatabase(target: SyncDatabaseTarget): SyncConnection {
  if (target.kind === "sqlite") {
    const created = preparePrivateDatabaseFile(target.file);
    const conn = connectSqlite(target.file);
    privatiseSidecars(target.file, created);
    return conn;
  }
  return connectPostgres(target.url);
}

/** Applies the sync migrations under Kysely's migration lock (two processes starting together is fine). */
export async function migrateSyncDatabase(db: Kysely<SyncDatabase>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => syncMigrations },
    migrationTableName: "leadgraph_sync_migrations",
    migrationLockTableName: "leadgraph_sync_migrations_lock",
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error("sync database migration failed", { cause: error });
}
