const DAY = 86_400;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
/** `YYYY-MM-DDT` by day number: leads come from a few months (retention is 90 days), so few days. */
const dayPrefixes = new Map<number, string>();

/** Graph formats datetimes as `2015-02-28T08:49:14+0000`: UTC, seconds, no colon in the offset. */
export function formatGraphTime(unixSeconds: number): string {
  // Reads format leads from the same few months over and over: the date part is kept per day and
  // only the time of day is built (a Date and its ISO string per lead showed in read profiles).
  if (Number.isInteger(unixSeconds)) {
    const day = Math.floor(unixSeconds / DAY);
    let prefix = dayPrefixes.get(day);
    if (prefix === undefined) {
      prefix = new Date(day * DAY * 1000).toISOString().slice(0, 11);
      if (dayPrefixes.size >= 1024) dayPrefixes.clear();
      dayPrefixes.set(day, prefix);
    }
    const t = unixSeconds - day * DAY;
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[t % 60]}+0000`;
  }
  // toISOString always answers `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0–9999.
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19)}+0000`;
}

const GRAPH_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses a Graph datetime, an ISO-8601 string or unix seconds (number or numeric string). */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (/^\d{1,12}$/.test(trimmed)) return Number(trimmed);
  const m = GRAPH_TIME.exec(trimmed);
  if (!m) return undefined;
  let offset = m[2] ?? "Z";
  if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const ms = Date.parse(`${m[1]}${offset}`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Meta's expiry messages use Pacific time: `Monday, 10-Aug-15 01:00:00 PDT`. */
export function formatSessionTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    weekday: "long",
    day: "2-digit",
    month: "short",
    year: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZoneName: "short",
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const hour = get("hour") === "24" ? "00" : get("hour");
  return `${get("weekday")}, ${get("day")}-${get("month")}-${get("year")} ${hour}:${get("minute")}:${get("second")} ${get("timeZoneName")}`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The time formats every leadgraph command and admin call takes, in the words its errors use. */
export const USER_TIME_FORMATS = "unix seconds, a date (2026-11-01, midnight UTC) or an ISO-8601 time (2026-11-01T09:30:00Z)";

/**
 * What people type for a time, accepted the same way by import, export, the clock and the admin
 * API: everything {@link parseTime} takes, plus a bare calendar date read as midnight UTC.
 */
export function parseUserTime(value: unknown): number | undefined {
  if (typeof value === "string") {
    const d = DATE_ONLY.exec(value.trim());
    if (d) {
      const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
      // Date.UTC rolls 2026-02-31 over into March: a date that does not exist is refused instead.
      return new Date(ms).toISOString().startsWith(value.trim()) ? ms / 1000 : undefined;
    }
  }
  return parseTime(value);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses durations such as `36h`, `90d`, `1h30m` or plain seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const re = /(\d+)([smhdw])/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * (UNITS[m[2]!] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === t.length && consumed > 0 ? total : undefined;
}
