import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelimitedText } from "../src/export/delimited-text.ts";

/** Values that exercise every quoting rule: delimiters, quotes, CR, LF, CRLF, any Unicode. */
const cell = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom("\t", ",", '"', "\r", "\n", "a", " ", "é", "🚗", "ע", "\u0000") }),
  fc.constantFrom("", '"', '""', "\r\n", "\t", ",", " lead space", "trailing ", "=1+2", "-3"),
);
// Export records always have twelve fixed columns or more; two or more keeps csv-parse from reading
// a lone empty field as an empty line.
const records = fc.array(fc.array(cell, { minLength: 2, maxLength: 8 }), { maxLength: 20 });

describe.each([
  ["TSV", "\t"],
  ["CSV", ","],
] as const)("the export writer (%s)", (_name, delimiter) => {
  const text = new DelimitedText(delimiter);

  it("writes exactly what csv-stringify writes", () => {
    // quote_record_delimiter: given record_delimiter, csv-stringify stops quoting a lone "\r" unless
    // told to, and parsers that accept any line ending then split the record (see the next test).
    fc.assert(
      fc.property(records, (rs) => {
        expect(text.format(rs)).toBe(stringify(rs, { delimiter, record_delimiter: "\n", quote_record_delimiter: true }));
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips every record through csv-parse", () => {
    fc.assert(
      fc.property(records, (rs) => {
        const back = parse(text.format(rs), { delimiter, relax_column_count: true });
        expect(back).toEqual(rs);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the escaping the export tests rely on", () => {
    expect(text.format([["a", 'say "hi"', "x\ny", "", `b${delimiter}c`, "🚗"]])).toBe(
      `a${delimiter}"say ""hi"""${delimiter}"x\ny"${delimiter}${delimiter}"b${delimiter}c"${delimiter}🚗\n`,
    );
    expect(text.format([["lone\rcr", "x"]])).toBe(`"lone\rcr"${delimiter}x\n`);
    expect(text.format([])).toBe("");
  });
});
