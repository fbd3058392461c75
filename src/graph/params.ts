import querystring from "fast-querystring";
import { errors } from "../domain/errors.ts";

/** Request parameters merged from the query string and the body, as Graph treats them. */
export type Params = Record<string, unknown>;

const BRACKET = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

/**
 * Folds `fields[0]=leadgen&fields[1]=x` and `questions[0][type]=EMAIL` into arrays and objects, so
 * urlencoded clients that index their lists are read like JSON ones.
 */
export function foldBracketKeys(flat: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(flat)) {
    const m = key.includes("[") ? BRACKET.exec(key) : null;
    const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)] : [key];
    // `__proto__[x]=1` must not reach Object.prototype: such keys are dropped, like any unknown param.
    if (path.some((seg) => UNSAFE_KEYS.has(seg))) continue;
    if (!m) {
      out[key] = value;
      continue;
    }
    let node = out as Record<string, unknown>;
    let k = path[0]!;
    for (const seg of path.slice(1)) {
      let child = Object.hasOwn(node, k) ? node[k] : undefined;
      if (typeof child !== "object" || child === null) {
        child = /^\d*$/.test(seg) ? [] : {};
        node[k] = child;
      }
      node = child as Record<string, unknown>;
      k = seg === "" ? String((node as unknown as unknown[]).length ?? 0) : seg;
    }
    node[k] = value;
  }
  return out;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Query strings are parsed by this one function on every path (Fastify's router is given it too). */
export const parseQuery = (query: string): Record<string, unknown> => (query.length === 0 ? {} : querystring.parse(query));

export function mergeParams(query: unknown, body: unknown): Params {
  const q = typeof query === "object" && query !== null ? (query as Record<string, unknown>) : {};
  const b = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return foldBracketKeys({ ...q, ...b });
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
  return items.map((x) => {
    if (typeof x !== "string" && typeof x !== "number") throw errors.invalidParam(`Param ${name} must be a list of strings`);
    return String(x).trim();
  }).filter((x) => x !== "");
}
