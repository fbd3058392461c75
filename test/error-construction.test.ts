import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

/** Where errors may be built: the catalogue and its public surface. */
const CATALOGUE = ["src/domain/errors/", "src/domain/errors.ts"];

/**
 * The consumer side: the client and sync read errors Graph sent (`GraphApiError.fromResponse`, log
 * fields, sync problems) and answer no request; they may not import server code
 * (dependency-cruiser's rules in .dependency-cruiser.cjs), so their `{ code, type }` and `{ code, subcode }` literals
 * describe errors received, never sent.
 */
const CONSUMER_SIDE = ["src/client/", "src/sync/"];

/**
 * Object literals that look like a Graph error but build none: `errorBody` serialises one the
 * catalogue built; `openApiDocument` describes the error envelope's JSON Schema.
 */
const ALLOWED_LITERALS = [
  { file: "src/graph/execute.ts", fn: "errorBody" },
  { file: "src/admin/openapi-document.ts", fn: "openApiDocument" },
];

/** With `code`, any of these keys makes an object literal a Graph error in the making. */
const ERROR_KEYS = ["type", "subcode", "error_subcode", "fbtrace_id", "is_transient", "error_user_title", "error_user_msg"];

/** Classes whose construction is an error built: GraphError and what extends it. */
const ERROR_CLASSES = new Set(["GraphError", "LeadInputError"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : sourceFiles(p);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith(".d.ts") ? [p] : [];
  });
}

function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isShorthandPropertyAssignment(p)) return p.name.text;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
    return p.name.text;
  return undefined;
}

function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) return n.name.text;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name))
      return n.parent.name.text;
  }
  return undefined;
}

/** Every place in `text` that builds a Graph error, as `file:line what`. */
export function errorConstructions(file: string, text: string): string[] {
  if (!/\bcode\b|GraphError|LeadInputError/.test(text)) return [];
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const at = (n: ts.Node, what: string) => found.push(`${file}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1} ${what}`);
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && ERROR_CLASSES.has(n.expression.text))
      at(n, `new ${n.expression.text}(…)`);
    if (ts.isClassLike(n)) {
      for (const clause of n.heritageClauses ?? []) {
        for (const t of clause.types)
          if (ts.isIdentifier(t.expression) && ERROR_CLASSES.has(t.expression.text)) at(n, `class extends ${t.expression.text}`);
      }
    }
    if (ts.isObjectLiteralExpression(n)) {
      const keys = new Set(n.properties.map(propertyName));
      const also = ERROR_KEYS.filter((k) => keys.has(k));
      if (keys.has("code") && also.length > 0) {
        const fn = enclosingFunctionName(n);
        const allowed = CONSUMER_SIDE.some((c) => file.startsWith(c)) || ALLOWED_LITERALS.some((a) => a.file === file && a.fn === fn);
        if (!allowed) at(n, `object literal with code and ${also.join(", ")}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

describe("Graph errors are built only by the catalogue", () => {
  it("no file outside src/domain/errors builds one", () => {
    const offenders = sourceFiles(join(ROOT, "src"))
      .map((f) => relative(ROOT, f).split("\\").join("/"))
      .filter((f) => !CATALOGUE.some((c) => f === c || (c.endsWith("/") && f.startsWith(c))))
      .flatMap((f) => errorConstructions(f, readFileSync(join(ROOT, f), "utf8")));
    expect(offenders, "add an entry to the catalogue (src/domain/errors/) and call it instead").toEqual([]);
  });

  it("the exceptions still exist (a renamed function must not widen them silently)", () => {
    for (const { file, fn } of ALLOWED_LITERALS) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, `${file} no longer has ${fn}: drop the exception`).toMatch(new RegExp(`\\b${fn}\\(`));
    }
  });

  it("the checker notices each way of building one", () => {
    const probe = [
      "const a = new GraphError(init);",
      "class Mine extends GraphError {}",
      "throw new LeadInputError(init, 'leads[0]');",
      'const body = { error: { message: "m", code: 100, error_subcode: 33 } };',
      "const shorthand = { code, type, message };",
      'function errorBody() { return { code: 1, fbtrace_id: "x" }; }',
    ].join("\n");
    expect(errorConstructions("src/graph/probe.ts", probe).map((f) => f.split(" ")[0])).toEqual([
      "src/graph/probe.ts:1",
      "src/graph/probe.ts:2",
      "src/graph/probe.ts:3",
      "src/graph/probe.ts:4",
      "src/graph/probe.ts:5",
      "src/graph/probe.ts:6",
    ]);
    expect(errorConstructions("src/graph/execute.ts", 'function errorBody() { return { code: 1, type: "x" }; }')).toEqual([]);
    expect(errorConstructions("src/graph/probe.ts", "const ok = { code: 200, body: {} };")).toEqual([]);
    expect(errorConstructions("src/sync/probe.ts", "const p = { code: e.code, subcode: e.subcode };")).toEqual([]);
    expect(errorConstructions("src/sync/probe.ts", "throw new GraphError(init);")).toHaveLength(1);
  });
});
