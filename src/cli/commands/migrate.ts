import { Command } from "commander";
import { connect, migrateToLatest } from "../../storage/index.ts";
import { explainConnectFailure } from "../../runtime/connect-errors.ts";
import { databaseTargetOf, secretBoxOf } from "../../runtime/runtime.ts";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("bring the database schema up to date (safe to run from many instances at once)");
  withDatabaseOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
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
