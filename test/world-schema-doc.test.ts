import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WORLD_SCHEMA_FILE, worldSchemaText } from "../scripts/world-schema.ts";

describe("docs/world-file.schema.json", () => {
  it("is the schema the code generates (run `npm run docs:schema` after changing world-schema.ts)", () => {
    expect(readFileSync(WORLD_SCHEMA_FILE, "utf8")).toBe(worldSchemaText());
  });

  it("documents every top-level key in docs/world-file.md", () => {
    const doc = readFileSync(new URL("../docs/world-file.md", import.meta.url), "utf8");
    const schema = JSON.parse(worldSchemaText()) as { properties: Record<string, unknown> };
    for (const key of Object.keys(schema.properties).filter((k) => k !== "$schema")) expect(doc, key).toContain(`### \`${key}\``);
  });
});
