import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { worldJsonSchema } from "../src/world/world-schema.ts";

/** The published JSON Schema of world files, as committed in docs/world-file.schema.json. */
export const worldSchemaText = (): string => `${JSON.stringify(worldJsonSchema(), null, 2)}\n`;

export const WORLD_SCHEMA_FILE = fileURLToPath(new URL("../docs/world-file.schema.json", import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(WORLD_SCHEMA_FILE, worldSchemaText());
  process.stdout.write(`wrote ${WORLD_SCHEMA_FILE}\n`);
}
