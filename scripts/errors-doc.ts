import { readFileSync, writeFileSync } from "node:fs";
import { withErrorTables } from "./error-tables.ts";

// Regenerates the error tables of docs/errors.md from the catalogue in src/domain/errors/.
const file = new URL("../docs/errors.md", import.meta.url);
writeFileSync(file, withErrorTables(readFileSync(file, "utf8")));
process.stdout.write("docs/errors.md: error tables updated\n");
