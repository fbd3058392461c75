import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorTablesMarkdown, withErrorTables } from "../scripts/error-tables.ts";
import { type ErrorSpec, errorFamilies, GraphError, leadErrors, LeadInputError } from "../src/domain/errors.ts";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

const entries = errorFamilies.flatMap((f) =>
  Object.entries(f.entries).map(([name, e]) => ({
    name,
    family: f.name,
    build: e as unknown as (...a: unknown[]) => GraphError,
    spec: e.spec as ErrorSpec<unknown[]>,
  })),
);

describe("docs/errors.md", () => {
  it("holds the tables generated from the current catalogue", () => {
    expect(doc, "run `npm run docs:errors`").toBe(withErrorTables(doc));
  });

  it("keeps its hand-written sections around the generated one", () => {
    expect(doc).toMatch(/^# Errors\n/);
    expect(doc).toContain("## Input limits");
    expect(() => withErrorTables("# Errors\n\nno markers\n")).toThrow(/markers/);
  });

  it("has one row per entry, each name once", () => {
    const rows = [...errorTablesMarkdown().matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(entries.map((e) => e.name));
    expect(new Set(rows).size, "entry names must be unique across families").toBe(rows.length);
  });
});

describe("the catalogue", () => {
  it.each(entries.map((e) => [`${e.family}.${e.name}`, e] as const))("%s builds the error its spec describes", (_, { build, spec }) => {
    const err = build(...spec.docArgs);
    expect(err).toBeInstanceOf(GraphError);
    expect([err.code, err.type, err.status, err.authError, err.isTransient]).toEqual([
      spec.code,
      spec.type,
      spec.status,
      spec.authError,
      spec.transient ?? false,
    ]);
    if (typeof spec.subcode === "function") expect(spec.subcodes).toContain(err.subcode);
    else expect(err.subcode).toBe(spec.subcode);
    expect(err.message).not.toMatch(/undefined|\[object Object\]/);
    expect(spec.when.trim()).not.toBe("");
    expect(spec.when).not.toContain("\n");
  });

  it("builds a LeadInputError that names where the lead went wrong", () => {
    const err = leadErrors.leadInput("leads[2].field_data[0].name", '"x" is answered twice');
    expect(err).toBeInstanceOf(LeadInputError);
    expect(err.path).toBe("leads[2].field_data[0].name");
    expect(err.message).toBe('(#100) leads[2].field_data[0].name: "x" is answered twice');
  });
});
