import { Command } from "commander";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("bring the database schema up to date (safe to run from many instances at once)");
  cmd.option("--json", "print the migrations applied as one JSON document");
  withDatabaseOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
    const [{ connect, migrateToLatest }, { databaseTargetOf, secretBoxOf }, { explainConnectFailure }] = await Promise.all([
      import("../../storage/index.ts"),
      import("../../runtime/runtime.ts"),
      import("../../runtime/connect-errors.ts"),
    ]);
    const { json: _json, ...dbFlags } = flags;
    const config = configFrom(dbFlags);
    const conn = connect(databaseTargetOf(config));
    try {
      const applied = await migrateToLatest(conn.db, secretBoxOf(config)).catch((e: unknown) => {
        throw explainConnectFailure(config, e);
      });
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ applied })}\n`);
      else process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "schema is up to date\n");
    } finally {
      await conn.close();
    }
  });
  return cmd;
}
