import { Command, CommanderError } from "commander";
import { version } from "../version.ts";
import { explainCliError } from "./explain-error.ts";
import { commands } from "./registry.ts";

const program = new Command("leadgraph")
  .description("A wire-compatible sandbox of Meta's Lead Ads lead retrieval, and the consumer side to go with it.")
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .configureHelp({ subcommandTerm: (cmd) => commands.find((c) => c.name === cmd.name())?.term ?? cmd.name() });

// Only the command being run (or asked about with `help <command>`) is loaded; the others are
// listed from the registry, so `leadgraph --help` loads no server code.
const words = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const wanted = words[0] === "help" ? words[1] : words[0];
for (const entry of commands) {
  program.addCommand(entry.name === wanted ? await entry.load() : new Command(entry.name).description(entry.description));
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`leadgraph: ${explainCliError(e)}\n`);
  if (e instanceof Error && e.cause) process.stderr.write(`  cause: ${e.cause instanceof Error ? e.cause.message : String(e.cause)}\n`);
  process.exit(1);
}
