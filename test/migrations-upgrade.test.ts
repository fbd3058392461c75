import { Migrator } from "kysely/migration";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { connect, isMigrated } from "../src/storage/index.ts";
import { migrations } from "../src/storage/migrations/index.ts";
import { databaseKinds, freshDatabase } from "./support/databases.ts";

describe.each(databaseKinds())("schema versions during a rolling upgrade (%s)", (kind) => {
  it("starts the previous release on a database a newer release already migrated", async () => {
    const db = await freshDatabase(kind);
    try {
      const target =
        "databaseUrl" in db.config
          ? { kind: "postgres" as const, url: db.config.databaseUrl }
          : { kind: "sqlite" as const, file: db.config.db };
      const conn = connect(target);
      // A newer release: everything this code knows, plus a migration it does not.
      const newer = { ...migrations, "9999-from-the-future": { up: async () => {} } };
      const { error } = await new Migrator({
        db: conn.db,
        provider: { getMigrations: async () => newer },
        migrationTableName: "leadgraph_migrations",
        migrationLockTableName: "leadgraph_migrations_lock",
      }).migrateToLatest();
      expect(error).toBeUndefined();
      await conn.close();

      const runtime = await createRuntime(loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" }));
      expect(await isMigrated(runtime.connection.db)).toBe(true);
      expect(await runtime.services.store.settings.get("cursor_secret")).toMatch(/^v1:/);
      await runtime.close();
    } finally {
      await db.drop();
    }
  });
});
