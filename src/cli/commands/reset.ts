import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { adminCall, adminKeyOption, urlOption } from "../http-client.ts";

/** `leadgraph reset [--world file]`: `POST /_leadgraph/admin/reset` on a running server. */
export function resetCommand(): Command {
  return new Command("reset")
    .description("reset a running server to a world: every lead, delivery and token it made is dropped")
    .addOption(new Option("--world <file>", "world file (JSON) to load after emptying; without it the server is left empty"))
    .addOption(urlOption())
    .addOption(adminKeyOption())
    .addOption(new Option("--json", "print what was loaded as one JSON document (the default for this command)"))
    .action(async (o: { world?: string; url: string; adminKey?: string }) => {
      const world: unknown = o.world ? JSON.parse(await readFile(o.world, "utf8")) : undefined;
      const out = await adminCall(o.url, o.adminKey, "POST", "_leadgraph/admin/reset", world === undefined ? {} : { world });
      process.stdout.write(`${JSON.stringify(out.world ?? {})}\n`);
    });
}
