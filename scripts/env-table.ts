import { readFileSync, writeFileSync } from "node:fs";
import { withEnvTable } from "../src/runtime/config-docs.ts";

// Regenerates the environment variable table of docs/deploy.md from the config schema.
const file = new URL("../docs/deploy.md", import.meta.url);
writeFileSync(file, withEnvTable(readFileSync(file, "utf8")));
process.stdout.write("docs/deploy.md: environment table updated\n");
