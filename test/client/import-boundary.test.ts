import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const FORBIDDEN = ["domain", "graph", "storage", "http", "runtime", "world"].map((d) => join(ROOT, "src", d));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every relative import/export specifier of a file, resolved to an absolute path. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs.filter((s) => s.startsWith(".")).map((s) => resolve(file, "..", s));
}

describe("the client and sync import no server code", () => {
  for (const area of ["client", "sync"]) {
    it(`src/${area} imports only src/contract, src/client, src/sync and packages`, () => {
      const offenders: string[] = [];
      for (const f of files(join(ROOT, "src", area))) {
        for (const target of imports(f)) {
          if (FORBIDDEN.some((d) => target === d || target.startsWith(d + "/"))) offenders.push(`${relative(ROOT, f)} → ${relative(ROOT, target)}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }

  it("the checker itself notices a forbidden import", () => {
    const probe = join(ROOT, "src", "client", "index.ts");
    const fake = resolve(probe, "..", "../domain/errors.ts");
    expect(FORBIDDEN.some((d) => fake.startsWith(d + "/"))).toBe(true);
    expect(imports(probe).length).toBeGreaterThan(3);
  });

  it("src/client imports nothing from src/sync either", () => {
    const sync = join(ROOT, "src", "sync");
    const bad = files(join(ROOT, "src", "client")).flatMap((f) => imports(f).filter((t) => t.startsWith(sync + "/")));
    expect(bad).toEqual([]);
  });
});
