import { Command } from "commander";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("bring the database schema up to date (safe to run from many instances at once)");
  withDatabaseOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
    const [{ connect, migrateToLatest }, { databaseTargetOf, secretBoxOf }, { explainConnectFailure }] = await Promise.all([
      import("../../storage/index.ts"), import("../../runtime/runtime.ts"), import("../../runtime/connect-errors.ts"),
    ]);
    const config = configFrom(flags);
    const conn = connect(databaseTargetOf(config));
    try {
      const applied = await migrateToLatest(conn.db, secretBoxOf(config)).catch((e: unknown) => {
        throw explainConnectFailure(config, e);
      });
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "schema is up to date\n");
    } finally {
      await conn.close();
    }
  });
  return cmd;
}
