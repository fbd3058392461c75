import { type Command, Option } from "commander";
import { type Config, type ConfigInput, configFromEnv, loadConfig } from "../runtime/config.ts";

/** Adds the database options every command that touches storage shares. */
export function withDatabaseOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--db <file>", "SQLite database file").env("LEADGRAPH_DB"))
    .addOption(
      new Option("--database-url <url>", "PostgreSQL URL (postgres://user@host:5432/db); overrides --db").env("LEADGRAPH_DATABASE_URL"),
    )
    .addOption(new Option("--secret-key <key>", "key material that encrypts app secrets at rest").env("LEADGRAPH_SECRET_KEY"))
    .addOption(new Option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent").env("LEADGRAPH_LOG_LEVEL"));
}

/** Flags win over LEADGRAPH_* variables, which win over defaults. */
export function configFrom(flags: Record<string, unknown>): Config {
  const fromFlags: ConfigInput = {};
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) (fromFlags as Record<string, unknown>)[k] = v;
  return loadConfig(configFromEnv(process.env), fromFlags);
}
