import { errors } from "./errors.ts";

/** One requested field: `leads.limit(5).after(X){id,field_data}` → name, modifiers, children. */
export interface FieldSelection {
  name: string;
  modifiers: Record<string, string>;
  children: FieldSelection[] | undefined;
}

const MAX_LENGTH = 8_000;
const MAX_DEPTH = 6;
const MAX_FIELDS = 400;
const NAME = /[A-Za-z0-9_]/;

/**
 * Parses Graph's `fields` syntax. Errors are code 2500 with Meta's wording:
 * `Syntax error "Expected "(" instead of ","." at character 35: <input>`.
 */
export function parseFields(input: string): FieldSelection[] {
  if (input.length > MAX_LENGTH) throw errors.invalidParam(`The fields parameter is too long (at most ${MAX_LENGTH} characters)`);
  let pos = 0;
  let count = 0;
  const fail = (expected: string): never => {
    const found = pos < input.length ? input[pos] : "end of input";
    throw errors.syntax(`"Expected ${expected} instead of "${found}"." at character ${pos}: ${input}`);
  };
  const skipSpace = () => {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  };
  const name = (): string => {
    skipSpace();
    const start = pos;
    while (pos < input.length && NAME.test(input[pos]!)) pos++;
    if (pos === start) fail("a field name");
    return input.slice(start, pos);
  };
  const arg = (): string => {
    // Arguments run to the matching close paren; cursors and ids never contain one.
    const start = pos;
    let depth = 0;
    while (pos < input.length) {
      const c = input[pos]!;
      if (c === "(") depth++;
      if (c === ")") {
        if (depth === 0) break;
        depth--;
      }
      pos++;
    }
    if (pos >= input.length) fail('")"');
    return input.slice(start, pos).trim();
  };
  const list = (depth: number, closing: string | undefined): FieldSelection[] => {
    if (depth > MAX_DEPTH) throw errors.invalidParam(`Field expansion is nested too deeply (at most ${MAX_DEPTH} levels)`);
    const out: FieldSelection[] = [];
    for (;;) {
      skipSpace();
      if (closing !== undefined && input[pos] === closing && out.length === 0) fail("a field name");
      const field: FieldSelection = { name: name(), modifiers: {}, children: undefined };
      if (++count > MAX_FIELDS) throw errors.invalidParam(`Too many fields requested (at most ${MAX_FIELDS})`);
      skipSpace();
      while (input[pos] === ".") {
        pos++;
        const mod = name();
        skipSpace();
        if (input[pos] !== "(") fail('"("');
        pos++;
        field.modifiers[mod] = arg();
        pos++; // ")"
        skipSpace();
      }
      if (input[pos] === "{") {
        pos++;
        field.children = list(depth + 1, "}");
        skipSpace();
        if (input[pos] !== "}") fail('"}"');
        pos++;
        skipSpace();
      }
      out.push(field);
      if (input[pos] === ",") {
        pos++;
        skipSpace();
        // A trailing comma is tolerated at the top level, as Graph does (`fields=id,name,`).
        if (pos >= input.length && closing === undefined) return out;
        continue;
      }
      if (closing === undefined ? pos >= input.length : input[pos] === closing) return out;
      fail(closing === undefined ? '","' : `"," or "${closing}"`);
    }
  };
  skipSpace();
  if (input.trim() === "") return [];
  return list(0, undefined);
}

/** Parses the `fields` parameter, or returns undefined when absent or empty (use the node's defaults). */
export function selectionFromParam(value: unknown): FieldSelection[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) value = value.join(",");
  if (typeof value !== "string") throw errors.invalidParam("Param fields must be a string");
  const parsed = parseFields(value);
  return parsed.length === 0 ? undefined : parsed;
}
