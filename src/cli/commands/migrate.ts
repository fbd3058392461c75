import { Command } from "commander";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("bring the database schema up to date (safe to run from many instances at once)");
  withDatabaseOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
    const [{ connect, migrateToLatest }, { databaseTargetOf }] = await Promise.all([import("../../storage/index.ts"), import("../../runtime/runtime.ts")]);
    const config = configFrom(flags);
    const conn = connect(databaseTargetOf(config));
    try {
      const applied = await migrateToLatest(conn.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "schema is up to date\n");
    } finally {
      await conn.close();
    }
  });
  return cmd;
}
