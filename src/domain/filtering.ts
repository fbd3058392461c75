import { errors } from "./errors.ts";

export const FILTER_OPERATORS = ["LESS_THAN", "GREATER_THAN", "GREATER_THAN_OR_EQUAL"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Lead time bounds in unix seconds, normalised from `filtering` (all clauses ANDed). */
export interface TimeFilter {
  /** created_time > gt */
  gt?: number;
  /** created_time >= gte */
  gte?: number;
  /** created_time < lt */
  lt?: number;
}

/**
 * Parses the `filtering` parameter of leads edges. Meta documents only `time_created` with three
 * operators; anything else is a (#100) error naming the problem rather than Meta's silent ignore,
 * because an ignored filter makes a backfill read everything (see docs/compatibility.md).
 */
export function parseLeadFiltering(raw: unknown): TimeFilter {
  if (raw === undefined || raw === null || raw === "") return {};
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw errors.invalidParam("Param filtering must be a JSON array of {field, operator, value} objects");
    }
  }
  if (!Array.isArray(value)) throw errors.invalidParam("Param filtering must be an array");
  if (value.length > 10) throw errors.invalidParam("Param filtering has too many clauses (at most 10)");
  const out: TimeFilter = {};
  value.forEach((clause, i) => {
    if (typeof clause !== "object" || clause === null || Array.isArray(clause)) {
      throw errors.invalidParam(`Param filtering[${i}] must be an object with field, operator and value`);
    }
    const c = clause as Record<string, unknown>;
    const extra = Object.keys(c).filter((k) => k !== "field" && k !== "operator" && k !== "value");
    if (extra.length > 0) throw errors.invalidKeys(extra, `filtering[${i}]`);
    if (c.field !== "time_created") {
      throw errors.paramEnum(`filtering[${i}][field]`, ["time_created"], String(c.field ?? ""));
    }
    if (typeof c.operator !== "string" || !(FILTER_OPERATORS as readonly string[]).includes(c.operator)) {
      throw errors.paramEnum(`filtering[${i}][operator]`, FILTER_OPERATORS, String(c.operator ?? ""));
    }
    const v = typeof c.value === "string" && /^\d{1,12}$/.test(c.value.trim()) ? Number(c.value) : c.value;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1e11) {
      throw errors.invalidParam(`Param filtering[${i}][value] must be a unix timestamp - got ${JSON.stringify(c.value)}`);
    }
    switch (c.operator as FilterOperator) {
      case "GREATER_THAN":
        out.gt = Math.max(out.gt ?? -1, v);
        break;
      case "GREATER_THAN_OR_EQUAL":
        out.gte = Math.max(out.gte ?? -1, v);
        break;
      case "LESS_THAN":
        out.lt = Math.min(out.lt ?? Number.MAX_SAFE_INTEGER, v);
        break;
    }
  });
  return out;
}

/** Collapses the filter into one inclusive lower bound and one exclusive upper bound. */
export function timeBounds(f: TimeFilter): { from: number | undefined; before: number | undefined } {
  const lows = [f.gt === undefined ? undefined : f.gt + 1, f.gte].filter((x): x is number => x !== undefined);
  return { from: lows.length ? Math.max(...lows) : undefined, before: f.lt };
}
