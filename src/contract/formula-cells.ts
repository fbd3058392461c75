/**
 * Characters that make a spreadsheet read a cell as a formula or command (OWASP "CSV Injection"):
 * `=`, `+`, `-`, `@`, and tab and carriage return, which some spreadsheets skip before looking.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet would run as a formula, prefixed with a single quote so it opens as text:
 * `=HYPERLINK(…)` → `'=HYPERLINK(…)`. Every other value is returned as it is. Lead answers come
 * from the public, so an export meant for a spreadsheet must not carry a stranger's formula into it.
 */
export const neutraliseFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** The rows with every cell neutralised (a new array only where a cell changed). */
export function neutraliseRows(rows: readonly (readonly string[])[]): string[][] {
  return rows.map((row) => {
    let out: string[] | undefined;
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      const safe = neutraliseFormula(v);
      if (safe !== v) (out ??= [...row])[i] = safe;
    }
    return out ?? (row as string[]);
  });
}
