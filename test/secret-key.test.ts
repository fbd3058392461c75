import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime } from "../src/runtime/runtime.ts";
import { databaseKinds, freshDatabase } from "./support/databases.ts";

describe.each(databaseKinds())("shared secrets across instances (%s)", (kind) => {
  it("shares the admin key, cursor secret and node space between runtimes with the same secret key", async () => {
    const db = await freshDatabase(kind);
    try {
      const config = loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" });
      // Concurrently on PostgreSQL; SQLite serves one process, and better-sqlite3 blocks the thread
      // while it waits for a lock, so two runtimes of one process start one after the other there.
      const [a, b] =
        kind === "postgres"
          ? await Promise.all([createRuntime(config), createRuntime(config)])
          : [await createRuntime(config), await createRuntime(config)];
      expect([a.adminKeyGenerated, b.adminKeyGenerated].filter(Boolean)).toHaveLength(1);
      expect(a.adminKey).toBe(b.adminKey);
      expect(a.instanceNode).not.toBe(b.instanceNode);
      // A cursor made by one runtime is read by the other.
      const cursor = a.services.cursors.encode("form-leads:8001", { t: 1_795_867_200, id: "9001" });
      expect(b.services.cursors.decode("form-leads:8001", cursor, "after")).toEqual({ t: 1_795_867_200, id: "9001" });
      await a.close();
      await b.close();
    } finally {
      await db.drop();
    }
  });

  it("refuses to start with another secret key, saying which setting to fix", async () => {
    const db = await freshDatabase(kind);
    try {
      // The admin key from configuration: the stored marker still catches the wrong key.
      const first = await createRuntime(
        loadConfig({ ...db.config, secretKey: db.secretKey, adminKey: "a-configured-admin-key", logLevel: "silent" }),
      );
      await first.close();
      const wrong = loadConfig({ ...db.config, secretKey: "another-key-entirely-0000", logLevel: "silent" });
      await expect(createRuntime(wrong)).rejects.toThrow(/same LEADGRAPH_SECRET_KEY/);
      const right = await createRuntime(loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent" }));
      expect(right.adminKeyGenerated).toBe(true);
      await right.close();
    } finally {
      await db.drop();
    }
  });
});
