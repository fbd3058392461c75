import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/runtime/config.ts";
import { configDescriptions, withEnvTable } from "../src/runtime/config-docs.ts";

describe("docs/deploy.md", () => {
  const doc = readFileSync(new URL("../docs/deploy.md", import.meta.url), "utf8");

  it("describes every configuration option", () => {
    const missing = Object.keys(configSchema.shape).filter((k) => !(k in configDescriptions));
    expect(missing, "add them to configDescriptions in src/runtime/config-docs.ts").toEqual([]);
  });

  it("has the environment table generated from the current config schema", () => {
    expect(doc, "run `npm run docs:env`").toBe(withEnvTable(doc));
    expect(doc).toContain("| `LEADGRAPH_DATABASE_URL` | URL | — |");
    expect(doc).toContain("| `LEADGRAPH_DB_POOL_SIZE` | integer | `10` |");
  });
});
