import { createReadStream, statSync } from "node:fs";
import { Command, Option } from "commander";
import { configFrom, withDatabaseOptions } from "../options.ts";
import { startProgress } from "../progress.ts";

/**
 * `leadgraph import FILE --form ID`: writes straight into the database through the domain
 * (LeadIntake), like `seed`; it does not need a running server.
 */
export function importCommand(): Command {
  const cmd = new Command("import")
    .description(
      "import leads from a CSV or JSONL file into a form (columns = question keys; re-runs skip rows whose external_id was imported)",
    )
    .argument("<file>", "CSV (header row) or JSONL file")
    .requiredOption("--form <id>", "form id")
    .addOption(new Option("--format <format>", "file format (default: from the extension)").choices(["csv", "jsonl"]))
    .option("--batch-size <n>", "rows per transaction", "1000")
    .option("--strict", "stop at the first bad row instead of reporting it and going on")
    .option(
      "--move-early-leads",
      "date leads whose created_time is before their form's creation at that creation, instead of refusing them",
    )
    .option("--fire-webhooks", "enqueue the leadgen webhook for every imported lead (off: imports are history)")
    .option("--json", "print the summary as one JSON document: rows, created, skipped, bad")
    .option("--no-progress", "no progress bar (there is none anyway when stderr is not a terminal)");
  withDatabaseOptions(cmd);
  cmd.action(async (file: string, flags: Record<string, unknown>) => {
    const [{ importLeads }, { formatOf }, { createRuntime }] = await Promise.all([
      import("../../import/import-leads.ts"),
      import("../../import/read-rows.ts"),
      import("../../runtime/runtime.ts"),
    ]);
    const { form, format, batchSize, strict, fireWebhooks, progress, moveEarlyLeads, json, ...dbFlags } = flags;
    const size = Number(batchSize);
    if (!Number.isInteger(size) || size < 1 || size > 10_000)
      throw new Error(`--batch-size must be from 1 to 10000 - got ${String(batchSize)}`);
    const total = statSync(file).size;
    const stream = createReadStream(file);
    const runtime = await createRuntime(configFrom({ ...dbFlags, logLevel: "silent" }));
    // The total is the file's size in bytes (rows are not known before reading them all).
    const bar = startProgress({
      label: "importing",
      total,
      enabled: progress !== false,
      counts: "{rows} rows | {created} created | {bad} bad | {skipped} skipped",
      payload: { rows: 0, created: 0, bad: 0, skipped: 0 },
    });
    // Ctrl-C stops between rows: what was read is written, then the summary says how to resume.
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const summary = await importLeads(runtime.services, {
        file,
        formId: String(form),
        format: formatOf(file, format as string | undefined),
        batchSize: size,
        strict: strict === true,
        fireWebhooks: fireWebhooks === true,
        moveEarlyLeads: moveEarlyLeads === true,
        stream,
        signal: interrupt.signal,
        onProgress: (rows, s) => bar.update(stream.bytesRead, { rows, created: s.created, bad: s.bad.length, skipped: s.skipped }),
      });
      bar.update(total, { rows: summary.rows, created: summary.created, bad: summary.bad.length, skipped: summary.skipped });
      bar.stop();
      if (summary.created > 0) await runtime.connection.analyzeAfterBulkLoad();
      for (const b of summary.bad) process.stderr.write(`line ${b.line}: ${b.message}\n`);
      if (summary.stoppedAt !== undefined) process.stderr.write(`stopped at line ${summary.stoppedAt} (--strict)\n`);
      if (summary.interruptedAfterLine !== undefined) {
        process.stderr.write(
          `interrupted after line ${summary.interruptedAfterLine}: ${summary.created} leads written, ${summary.skipped} skipped, ${summary.bad.length} bad. ` +
            "Run the same command again to resume: rows whose external_id was imported are skipped (rows without an external_id would be imported twice).\n",
        );
        process.exitCode = 130;
      }
      const counts = { rows: summary.rows, created: summary.created, skipped: summary.skipped, bad: summary.bad.length };
      process.stdout.write(
        json === true
          ? `${JSON.stringify(counts)}\n`
          : `Imported ${counts.created} lead${counts.created === 1 ? "" : "s"} into form ${String(form)} from ${counts.rows} row${counts.rows === 1 ? "" : "s"}` +
              ` (${counts.skipped} skipped as already imported, ${counts.bad} bad)\n`,
      );
      if (summary.bad.length > 0 && process.exitCode === undefined) process.exitCode = 2;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      bar.stop();
      await runtime.close();
    }
  });
  return cmd;
}
