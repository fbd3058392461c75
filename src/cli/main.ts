import { Command, CommanderError } from "commander";
import { migrateCommand } from "./commands/migrate.ts";
import { seedCommand } from "./commands/seed.ts";
import { serveCommand } from "./commands/serve.ts";
import { explainCliError } from "./explain-error.ts";
import { extraCommands } from "./registry.ts";

const program = new Command("leadgraph")
  .description("A wire-compatible sandbox of Meta's Lead Ads lead retrieval, and the consumer side to go with it.")
  .version("0.1.0")
  .showHelpAfterError()
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(seedCommand());
program.addCommand(migrateCommand());
for (const make of extraCommands) program.addCommand(make());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`leadgraph: ${explainCliError(e)}\n`);
  if (e instanceof Error && e.cause) process.stderr.write(`  cause: ${e.cause instanceof Error ? e.cause.message : String(e.cause)}\n`);
  process.exit(1);
}
