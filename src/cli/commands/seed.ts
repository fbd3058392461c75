import { readWorldFile } from "../../world/read-world-file.ts";
import { Command } from "commander";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function seedCommand(): Command {
  const cmd = new Command("seed")
    .description("load a world file into the database in one transaction (loading it twice is harmless)")
    .argument("<file>", "world file (JSON)")
    .option("--json", "print what was loaded as one JSON document (the default for this command)");
  withDatabaseOptions(cmd);
  cmd.action(async (file: string, flags: Record<string, unknown>) => {
    const [{ createRuntime }, { loadWorld }] = await Promise.all([import("../../runtime/runtime.ts"), import("../../world/load-world.ts")]);
    const { json: _json, ...dbFlags } = flags;
    const runtime = await createRuntime(configFrom({ ...dbFlags, logLevel: "silent" }));
    try {
      const summary = await loadWorld(runtime.services, await readWorldFile(file, "the seed command's file argument"));
      await runtime.connection.analyzeAfterBulkLoad();
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } finally {
      await runtime.close();
    }
  });
  return cmd;
}
