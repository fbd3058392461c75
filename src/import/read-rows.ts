import { createReadStream, type ReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Parser } from "csv-parse";

export type RowValue = string | number | boolean | null | (string | number)[];

/** One row of an import file with the line it starts on (for error reports). */
export interface SourceRow {
  line: number;
  values: Record<string, RowValue>;
}

export type ImportFormat = "csv" | "jsonl";

export function formatOf(file: string, given?: string): ImportFormat {
  if (given === "csv" || given === "jsonl") return given;
  if (given !== undefined) throw new Error(`--format must be csv or jsonl - got ${given}`);
  return /\.(jsonl|ndjson)$/i.test(file) ? "jsonl" : "csv";
}

/** Thrown for a row that cannot be read at all (bad JSON, ragged CSV); other rows continue. */
export class RowSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/**
 * Streams rows from a CSV file (first row = header; columns = question keys and the special
 * columns) or a JSONL file (one object per line), never holding the file in memory.
 */
export async function* readRows(
  file: string,
  format: ImportFormat,
  stream: ReadStream = createReadStream(file),
): AsyncGenerator<SourceRow | RowSyntaxError> {
  if (format === "jsonl") {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text.trim() === "") continue;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== "object" || value === null || Array.isArray(value)) yield new RowSyntaxError(n, "must be a JSON object");
        else yield { line: n, values: value as Record<string, RowValue> };
      } catch (e) {
        yield new RowSyntaxError(n, `is not valid JSON (${(e as Error).message})`);
      }
    }
    return;
  }
  const parser = stream.pipe(
    new CountingParser({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  // csv-parse counts ragged rows cumulatively; a row is ragged when the count moves.
  let ragged = 0;
  for await (const item of parser as AsyncIterable<CountedRecord>) {
    if (item.ragged > ragged) {
      ragged = item.ragged;
      yield new RowSyntaxError(item.lines, "has a different number of columns than the header");
      continue;
    }
    yield { line: item.lines, values: item.record };
  }
}

interface CountedRecord {
  record: Record<string, string>;
  lines: number;
  ragged: number;
}

/**
 * csv-parse's parser handing each record on with the two counters of its `info` that an import
 * reports (the line, the ragged rows so far), read when the record is pushed, as `info: true` reads
 * them. `info: true` copies every counter into a new object per record, which was half the parse.
 */
class CountingParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    const counted: CountedRecord = {
      record: record as Record<string, string>,
      lines: this.info.lines,
      ragged: this.info.invalid_field_length,
    };
    return super.push(counted, encoding);
  }
}
