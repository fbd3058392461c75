import { errors, type GraphError } from "../domain/errors.ts";

/**
 * How much a request may ask the parsers to build. Every surface refuses input over these before
 * any authentication or database work, so a request that fits them costs a bounded amount of CPU
 * and memory whoever sends it (docs/errors.md, "Input limits").
 */
export interface InputLimits {
  /** Parameters in the query string and in the body, each counted on its own. */
  maxParams: number;
  /** Longest parameter value, and longest string inside a JSON body, in characters. */
  maxStringLength: number;
  /** Deepest nesting of arrays and objects in a JSON body. */
  maxJsonDepth: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxParams: 1000, maxStringLength: 256 * 1024, maxJsonDepth: 32 };

/**
 * `x[3]`, `field_data[0][name]`: an index is a position in a short list (a batch holds 50
 * operations, a form a few dozen questions), never the size of an array to allocate.
 */
export const MAX_LIST_INDEX = 999;
/** `a[b][c]…`: bracket segments after the name. */
export const MAX_KEY_DEPTH = 6;
/** Longest parameter name, in characters. */
export const MAX_KEY_LENGTH = 200;

export const tooManyParams = (where: string, max: number) =>
  errors.invalidParam(`The ${where} has more than ${max} parameters; send at most ${max}`);

export const valueTooLong = (name: string, max: number) =>
  errors.invalidParam(`Param ${name.slice(0, 60)} is longer than ${max} characters`);

/** True when `text` has more than `max` occurrences of `sep`: counted before anything is parsed. */
export function moreThan(text: string, sep: string, max: number): boolean {
  let at = -1;
  for (let n = 0; n <= max; n++) {
    at = text.indexOf(sep, at + 1);
    if (at < 0) return false;
  }
  return true;
}

/**
 * Checks a JSON text's nesting depth and string lengths in one pass before JSON.parse builds
 * anything. Hand-written: JSON.parse has no depth or length option, and a streaming parser would
 * cost more than this scan (a few milliseconds per megabyte).
 */
export function jsonShapeProblem(text: string, limits: Pick<InputLimits, "maxJsonDepth" | "maxStringLength">): GraphError | undefined {
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) {
        inString = false;
        if (i - stringStart > limits.maxStringLength)
          return errors.invalidParam(`A string in the JSON body is longer than ${limits.maxStringLength} characters`);
      }
    } else if (c === 0x22) {
      inString = true;
      stringStart = i + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limits.maxJsonDepth) return errors.invalidParam(`The JSON body is nested deeper than ${limits.maxJsonDepth} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** What a query-string parser hands Fastify instead of throwing (a throw there would end the process). */
export const QUERY_REFUSED = Symbol("leadgraph.queryRefused");

export type RefusedQuery = { [QUERY_REFUSED]: GraphError };

/** The error a refused query carries, if `query` is one. */
export const refusalOf = (query: unknown): GraphError | undefined =>
  typeof query === "object" && query !== null ? (query as Partial<RefusedQuery>)[QUERY_REFUSED] : undefined;
