import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accessErrors, errors, type GraphError, webhookErrors } from "../src/domain/errors.ts";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

/** Builds an entry with placeholder arguments (strings, or lists where a list is expected). */
function sample(make: (...args: never[]) => GraphError): GraphError {
  const attempts: unknown[][] = [
    Array.from({ length: make.length }, () => "x"),
    Array.from({ length: make.length }, () => ["x"]),
    Array.from({ length: make.length }, (_, i) => (i === 0 ? 467 : "x")),
    Array.from({ length: make.length }, (_, i) => (i === 1 ? ["x"] : "x")),
  ];
  for (const args of attempts) {
    try {
      return (make as (...a: unknown[]) => GraphError)(...args);
    } catch {
      // try the next argument shape
    }
  }
  throw new Error("cannot build a sample of this entry");
}

function rowOf(name: string): string[] | undefined {
  const line = doc.split("\n").find((l) => l.startsWith(`| \`${name}\` |`));
  return line?.split("|").slice(1, -1).map((c) => c.trim());
}

const catalogue: Record<string, unknown> = { ...errors, ...accessErrors, ...webhookErrors };

describe("docs/errors.md", () => {
  it.each(Object.keys(catalogue))("has a row for %s with the catalogue's code, subcode, type and status", (name) => {
    const err = sample(catalogue[name] as (...args: never[]) => GraphError);
    const row = rowOf(name);
    expect(row, `add a row for ${name} to docs/errors.md`).toBeDefined();
    const [, code, subcode, type, status, auth] = row!;
    expect(Number(code)).toBe(err.code);
    expect(type).toBe(err.type);
    expect(Number(status)).toBe(err.status);
    expect(auth).toBe(err.authError ?? "");
    if (err.subcode === undefined) expect(subcode).toBe("");
    // an entry whose subcode is an argument lists the subcodes it is used with
    else if (typeof err.subcode !== "number") expect(subcode).toMatch(/^\d+(, \d+)*$/);
    else expect(subcode!.split(/,\s*/).map(Number)).toContain(err.subcode);
  });

  it("has no rows for entries that no longer exist", () => {
    const names = [...doc.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(names.filter((n) => !Object.hasOwn(catalogue, n!))).toEqual([]);
  });
});
