import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { RecordCounter } from "../src/cli/commands/export.ts";
import { clampExportRange, parseExportDate, readableRange } from "../src/domain/export/export-range.ts";
import { GraphError } from "../src/domain/errors.ts";

const CREATED = 1_000;
const NOW = 10_000;

describe("export range clamping", () => {
  const cases: [string, { fromDate?: number; toDate?: number }, [number, number]][] = [
    ["nothing given", {}, [CREATED, NOW]],
    ["from before creation", { fromDate: 10 }, [CREATED, NOW]],
    ["from at creation", { fromDate: CREATED }, [CREATED, NOW]],
    ["from inside", { fromDate: 5_000 }, [5_000, NOW]],
    ["to after now", { toDate: NOW + 1 }, [CREATED, NOW]],
    ["to at now", { toDate: NOW }, [CREATED, NOW]],
    ["to inside", { toDate: 5_000 }, [CREATED, 5_000]],
    ["both outside", { fromDate: 0, toDate: 99_999 }, [CREATED, NOW]],
    ["both inside", { fromDate: 2_000, toDate: 3_000 }, [2_000, 3_000]],
    ["from before creation, to inside", { fromDate: 0, toDate: 3_000 }, [CREATED, 3_000]],
    ["from inside, to after now", { fromDate: 2_000, toDate: 99_999 }, [2_000, NOW]],
    ["a single second", { fromDate: 2_000, toDate: 2_000 }, [2_000, 2_000]],
  ];
  it.each(cases)("%s", (_name, given, [from, to]) => {
    expect(clampExportRange(given, CREATED, NOW)).toEqual({ from, to });
  });

  it("refuses reversed and empty ranges", () => {
    expect(() => clampExportRange({ fromDate: 3_000, toDate: 2_000 }, CREATED, NOW)).toThrow(GraphError);
    expect(() => clampExportRange({ fromDate: NOW + 5 }, CREATED, NOW)).toThrow(/date range is empty/);
    expect(() => clampExportRange({ toDate: CREATED - 1 }, CREATED, NOW)).toThrow(/date range is empty/);
  });

  it("parses only unix seconds", () => {
    expect(parseExportDate("from_date", undefined)).toBeUndefined();
    expect(parseExportDate("from_date", " ")).toBeUndefined();
    expect(parseExportDate("from_date", "1482698431")).toBe(1482698431);
    for (const bad of ["-1", "1.5", "2026-11-01", "1e9", "abc"]) expect(() => parseExportDate("from_date", bad)).toThrow(/POSIX/);
  });

  it("reads nothing older than the 90-day retention", () => {
    const now = 100 * 86_400;
    expect(readableRange({ from: 0, to: now }, now)).toEqual({ from: 10 * 86_400, to: now });
  });
});

describe("CLI record counter", () => {
  it("counts records, not the line breaks inside quoted values, however the bytes are split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, split) => {
          const text = Buffer.from(stringify(rows, { delimiter: "\t", record_delimiter: "\n" }));
          const chunks: Buffer[] = [];
          for (let i = 0; i < text.length; i += split) chunks.push(text.subarray(i, i + split));
          const counter = new RecordCounter();
          await pipeline(Readable.from(chunks), counter, new Writable({ write: (_c, _e, done) => done() }));
          expect(counter.records).toBe(rows.length);
          expect(parse(text, { delimiter: "\t", relax_column_count: true })).toHaveLength(rows.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
