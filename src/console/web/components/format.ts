/** Graph times (`2026-11-20T10:00:00+0000`) and unix seconds shown in UTC, which is what the API uses. */
export function showTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined || t === "") return "—";
  const d = typeof t === "number" ? new Date(t < 1e11 ? t * 1000 : t) : new Date(t.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export const unixOf = (t: string): number => Math.floor(new Date(t.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")).getTime() / 1000);

/** `<input type="datetime-local">` values are read as UTC, to match the times shown. */
export const fromLocalInput = (v: string): number | undefined => (v ? Math.floor(Date.parse(`${v}:00Z`) / 1000) : undefined);
export const toLocalInput = (s: number | undefined): string => (s === undefined ? "" : new Date(s * 1000).toISOString().slice(0, 16));

const COUNT = new Intl.NumberFormat("en-US");

/** Counts with digit grouping (`21,830,400`), the same in every browser locale so tests and docs agree. */
export const count = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : COUNT.format(n));

export const percent = (n: number, d: number): string => (d === 0 ? "—" : `${((100 * n) / d).toFixed(1)} %`);

export const fieldValue = (values: string[] | undefined): string => (values ?? []).join(", ");
