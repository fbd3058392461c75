import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command, Option } from "commander";
import { parseUserTime, USER_TIME_FORMATS } from "../../domain/time.ts";
import { urlOption, withSlash } from "../http-client.ts";
import { startProgress } from "../progress.ts";

/**
 * Counts records in CSV/TSV text as it streams by: a newline ends a record unless it is inside a
 * quoted field (a doubled quote toggles twice, so it needs no special case).
 */
export class RecordCounter extends Transform {
  records = 0;
  #quoted = false;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x22) this.#quoted = !this.#quoted;
      else if (c === 0x0a && !this.#quoted) this.records++;
    }
    this.push(chunk);
    done();
  }
}

const unix = (name: string, v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const t = parseUserTime(v);
  if (t === undefined) throw new Error(`${name} must be ${USER_TIME_FORMATS} - got "${v}"`);
  return String(t);
};

/** `leadgraph export --form ID`: downloads a form's leads from a running server, with a progress bar. */
export function exportCommand(): Command {
  return new Command("export")
    .description("download a form's leads as TSV (or CSV) from a running server, as /ads/lead_gen/export_csv/ serves them")
    .requiredOption("--form <id>", "lead form id")
    .option("--from <date>", "from this time (unix seconds, 2026-11-01 or ISO-8601); default: the form's creation")
    .option("--to <date>", "to this time (inclusive); default: now")
    .addOption(new Option("--format <format>", "tsv or csv").choices(["tsv", "csv"]).default("tsv"))
    .option("--raw", "cells exactly as stored: do not neutralise formula-like cells (=, +, -, @, tab, CR) with a leading quote")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--json", "with --output: print what was written as one JSON document (form, file, leads)")
    .option("--no-progress", "no progress bar (there is none anyway when stderr is not a terminal)")
    .addOption(urlOption())
    .addOption(new Option("--token <token>", "access token (page or user token with lead access)").env("LEADGRAPH_TOKEN"))
    .action(
      async (o: {
        form: string;
        from?: string;
        to?: string;
        format: string;
        output?: string;
        raw?: boolean;
        url: string;
        token?: string;
        json?: boolean;
        progress: boolean;
      }) => {
        if (!o.token) throw new Error("an access token is required: pass --token or set LEADGRAPH_TOKEN");
        if (o.json && !o.output) throw new Error("--json needs --output <file>: without it the leads themselves are written to stdout");
        const url = new URL("ads/lead_gen/export_csv/", withSlash(o.url));
        url.searchParams.set("id", o.form);
        url.searchParams.set("type", "form");
        const from = unix("--from", o.from);
        const to = unix("--to", o.to);
        if (from !== undefined) url.searchParams.set("from_date", from);
        if (to !== undefined) url.searchParams.set("to_date", to);
        url.searchParams.set("format", o.format);
        if (o.raw) url.searchParams.set("raw", "true");
        const res = await fetch(url, { headers: { authorization: `Bearer ${o.token}` } });
        if (!res.ok || !res.body) {
          const json = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
          throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
        }
        // Our server announces the count; without the header (another server, a proxy) it is unknown.
        const announced = res.headers.get("x-leadgraph-row-count");
        const total = announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined;
        const bar = startProgress({
          label: "exporting",
          total,
          counts: total === undefined ? "{value} leads" : "{value}/{total} leads",
          enabled: o.progress,
        });
        const counter = new RecordCounter();
        const tick = setInterval(() => bar.update(Math.max(0, counter.records - 1)), 200);
        try {
          await pipeline(Readable.fromWeb(res.body as never), counter, o.output ? createWriteStream(o.output) : process.stdout);
        } finally {
          clearInterval(tick);
          bar.update(Math.max(0, counter.records - 1));
          bar.stop();
        }
        const leads = Math.max(0, counter.records - 1);
        if (o.json) process.stdout.write(`${JSON.stringify({ form_id: o.form, file: o.output, format: o.format, leads })}\n`);
        else process.stderr.write(`${leads} leads${o.output ? ` written to ${o.output}` : ""}\n`);
      },
    );
}
