import { errors } from "../errors.ts";
import { retentionFloor } from "../retention.ts";

/** The range an export covers, inclusive on both ends (unix seconds). */
export interface ExportRange {
  from: number;
  to: number;
}

const UNIX = /^\d{1,12}$/;

/** `from_date`/`to_date` as given: unix seconds, or undefined when absent or empty. */
export function parseExportDate(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!UNIX.test(raw.trim())) {
    throw errors.invalidParam(`Param ${name} must be a POSIX (UNIX) timestamp in seconds - got "${raw.slice(0, 40)}"`);
  }
  return Number(raw.trim());
}

/**
 * The seed's rules, exactly: a missing `from_date`, or one before the form's creation, means the
 * form's creation time; a missing `to_date`, or one after now, means now. A range that is empty
 * once clamped (from after to) is the caller's mistake and is refused.
 */
export function clampExportRange(given: { fromDate?: number; toDate?: number }, formCreatedTime: number, now: number): ExportRange {
  if (given.fromDate !== undefined && given.toDate !== undefined && given.fromDate > given.toDate) {
    throw errors.invalidParam(`Param from_date (${given.fromDate}) must not be after to_date (${given.toDate})`);
  }
  const from = given.fromDate === undefined || given.fromDate < formCreatedTime ? formCreatedTime : given.fromDate;
  const to = given.toDate === undefined || given.toDate > now ? now : given.toDate;
  if (from > to) {
    throw errors.invalidParam(
      `The date range is empty: from ${from} (from_date or the form's creation) is after to ${to} (to_date or now)`,
    );
  }
  return { from, to };
}

/** The rows actually read: leads older than the 90-day retention are gone, as for Graph reads. */
export const readableRange = (range: ExportRange, now: number): ExportRange => ({
  from: Math.max(range.from, retentionFloor(now)),
  to: range.to,
});
