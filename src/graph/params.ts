import querystring from "fast-querystring";
import { errors } from "../domain/errors.ts";
import {
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
  MAX_KEY_DEPTH,
  MAX_KEY_LENGTH,
  MAX_LIST_INDEX,
  moreThan,
  QUERY_REFUSED,
  refusalOf,
  tooManyParams,
} from "./input-limits.ts";

/** Request parameters merged from the query string and the body, as Graph treats them. */
export type Params = Record<string, unknown>;

const BRACKET = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;
const INDEX = /^\d*$/;

/**
 * Folds `fields[0]=leadgen&fields[1]=x` and `questions[0][type]=EMAIL` into arrays and objects, so
 * urlencoded clients that index their lists are read like JSON ones. An index orders the items of
 * a list and is never an array length: `x[7]=a&x[2]=b` is `["b", "a"]`, and an index above
 * MAX_LIST_INDEX, a name nested deeper than MAX_KEY_DEPTH or longer than MAX_KEY_LENGTH is refused.
 */
export function foldBracketKeys(flat: Record<string, unknown>, maxParams = DEFAULT_INPUT_LIMITS.maxParams): Params {
  const out: Params = {};
  const keys = Object.keys(flat);
  if (keys.length > maxParams) throw tooManyParams("request", maxParams);
  // Lists are gathered in Maps keyed by index and turned into arrays at the end: an object with
  // integer keys would give each one an elements store as long as its largest index.
  let folded = false;
  for (const key of keys) {
    const value = flat[key];
    const m = key.includes("[") ? BRACKET.exec(key) : null;
    if (!m) {
      if (UNSAFE_KEYS.has(key)) continue;
      out[key] = value;
      continue;
    }
    if (key.length > MAX_KEY_LENGTH)
      throw errors.invalidParam(`Param name ${key.slice(0, 40)}… is longer than ${MAX_KEY_LENGTH} characters`);
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    if (path.length - 1 > MAX_KEY_DEPTH) throw errors.invalidParam(`Param ${m[1]} is nested deeper than ${MAX_KEY_DEPTH} brackets`);
    // `__proto__[x]=1` must not reach Object.prototype: such keys are dropped, like any unknown param.
    if (path.some((seg) => UNSAFE_KEYS.has(seg))) continue;
    folded = true;
    let node: FoldNode = out;
    let k: string | number = path[0]!;
    for (const seg of path.slice(1)) {
      let child = childOf(node, k);
      const index = INDEX.test(seg);
      if (!(child instanceof Map) && (typeof child !== "object" || child === null || Array.isArray(child))) {
        child = index ? new Map<number, unknown>() : {};
        setChild(node, k, child);
      } else if (child instanceof Map && !index) {
        // A list given a named key becomes an object, as `x[0]=a&x[k]=b` reads in JSON terms.
        child = Object.fromEntries(child);
        setChild(node, k, child);
      }
      node = child as FoldNode;
      if (seg === "") k = node instanceof Map ? node.size : String(Object.keys(node).length);
      else if (index) {
        if (seg.length > 3 || Number(seg) > MAX_LIST_INDEX) {
          throw errors.invalidParam(`Param ${key.slice(0, 60)}: a list index must be between 0 and ${MAX_LIST_INDEX}`);
        }
        k = node instanceof Map ? Number(seg) : String(Number(seg));
      } else k = seg;
    }
    setChild(node, k, value);
  }
  return folded ? (listsToArrays(out) as Params) : out;
}

type FoldNode = Record<string, unknown> | Map<number, unknown>;

const childOf = (node: FoldNode, k: string | number): unknown =>
  node instanceof Map ? node.get(k as number) : Object.hasOwn(node, k) ? node[k as string] : undefined;

function setChild(node: FoldNode, k: string | number, v: unknown): void {
  if (node instanceof Map) node.set(k as number, v);
  else node[k as string] = v;
}

function listsToArrays(v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => a - b).map(([, x]) => listsToArrays(x));
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = listsToArrays(o[k]);
  return o;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Query strings are parsed by one function, given to Fastify's router. It
 * must not throw (a throw inside Fastify's router ends the process): a query over the limits comes
 * back as a refusal that mergeParams, and the app's preValidation hook, turn into the error.
 */
export function queryParser(limits: Pick<InputLimits, "maxParams" | "maxStringLength"> = DEFAULT_INPUT_LIMITS) {
  return (query: string): Record<string, unknown> => {
    if (query.length === 0) return {};
    if (moreThan(query, "&", limits.maxParams - 1)) return { [QUERY_REFUSED]: tooManyParams("query string", limits.maxParams) };
    return querystring.parse(query);
  };
}

export function mergeParams(query: unknown, body: unknown, maxParams = DEFAULT_INPUT_LIMITS.maxParams): Params {
  const refused = refusalOf(query);
  if (refused) throw refused;
  const q = typeof query === "object" && query !== null ? (query as Record<string, unknown>) : {};
  const b = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return foldBracketKeys({ ...q, ...b }, maxParams * 2);
}

/** A scalar parameter as text; arrays (repeated keys) take the last value. */
export function stringParam(params: Params, name: string): string | undefined {
  let v = params[name];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw errors.invalidParam(`Param ${name} must be a string`);
}

/** A list/object parameter: real JSON from JSON bodies, or JSON text from query and form bodies. */
export function jsonParam(params: Params, name: string): unknown {
  const v = params[name];
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t.startsWith("[") || t.startsWith("{") || t === "true" || t === "false" || t === "null") {
    try {
      return JSON.parse(t);
    } catch {
      throw errors.invalidParam(`Param ${name} must be valid JSON`);
    }
  }
  return v;
}

export function intParam(params: Params, name: string, opts: { min: number; max: number }): number | undefined {
  const raw = stringParam(params, name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d{1,15}$/.test(raw.trim())) throw errors.invalidParam(`Param ${name} must be an integer`);
  const n = Number(raw);
  if (n < opts.min || n > opts.max) throw errors.invalidParam(`Param ${name} must be between ${opts.min} and ${opts.max} - got ${n}`);
  return n;
}

export function boolParam(params: Params, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (v === true || v === "true" || v === "1" || v === 1) return true;
  if (v === false || v === "false" || v === "0" || v === 0) return false;
  throw errors.invalidParam(`Param ${name} must be a boolean`);
}

/** A list given as a JSON array, indexed keys, or a comma-separated string. */
export function listParam(params: Params, name: string): string[] | undefined {
  const v = jsonParam(params, name);
  if (v === undefined || v === null || v === "") return undefined;
  const items = Array.isArray(v) ? v : typeof v === "string" ? v.split(",") : typeof v === "object" ? Object.values(v) : [v];
  return items
    .map((x) => {
      if (typeof x !== "string" && typeof x !== "number") throw errors.invalidParam(`Param ${name} must be a list of strings`);
      return String(x).trim();
    })
    .filter((x) => x !== "");
}
