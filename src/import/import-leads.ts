import { LeadInputError } from "../domain/errors.ts";
import type { NewLead } from "../domain/leads/lead-intake.ts";
import type { FormRecord } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import { formatGraphTime, parseUserTime, USER_TIME_FORMATS } from "../domain/time.ts";
import { readRows, RowSyntaxError, type ImportFormat, type SourceRow } from "./read-rows.ts";

export const SPECIAL_COLUMNS = ["created_time", "ad_id", "platform", "external_id"] as const;

export interface BadRow {
  line: number;
  message: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  /** Rows whose external_id was already imported (a re-run) or repeated in the file. */
  skipped: number;
  bad: BadRow[];
  /** Set when --strict stopped the import at the first bad row. */
  stoppedAt?: number;
  /** Set when the signal stopped the import: rows up to this line were written (or reported bad). */
  interruptedAfterLine?: number;
}

export interface ImportOptions {
  file: string;
  formId: string;
  format: ImportFormat;
  batchSize?: number;
  strict?: boolean;
  fireWebhooks?: boolean;
  /** Leads dated before their form was created are moved to its creation time instead of refused. */
  moveEarlyLeads?: boolean;
  /** Called after each batch with the rows read so far. */
  onProgress?: (rowsRead: number, summary: ImportSummary) => void;
  stream?: Parameters<typeof readRows>[2];
  /** Aborting stops the import between rows; the rows read so far are written first. */
  signal?: AbortSignal;
}

const TRUE = new Set(["1", "true", "yes", "y", "x", "checked"]);

/** Rows turn into intake inputs here; a row that cannot is a bad row with its reason. */
function toLead(form: FormRecord, boxes: ReadonlySet<string>, row: SourceRow, moveEarly: boolean): NewLead | BadRow {
  const fieldData: NewLead["fieldData"] = [];
  const disclaimers: NonNullable<NewLead["customDisclaimerResponses"]> = [];
  const lead: NewLead = { formId: form.id, fieldData, customDisclaimerResponses: disclaimers };
  for (const [key, raw] of Object.entries(row.values)) {
    if (raw === null || raw === "" || (Array.isArray(raw) && raw.length === 0)) continue;
    const text = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    switch (key) {
      case "created_time": {
        const t = parseUserTime(raw);
        if (t === undefined) return { line: row.line, message: `created_time must be ${USER_TIME_FORMATS} - got "${text[0]}"` };
        // A lead older than its form would fall outside every export range (exports start at the
        // form's creation) while Graph still counts it: refuse it, or move it when asked to.
        if (t < form.createdTime && !moveEarly) {
          return {
            line: row.line,
            message: `created_time ${formatGraphTime(t)} is before form ${form.id} was created (${formatGraphTime(form.createdTime)}); fix the date, or pass --move-early-leads to date such leads at the form's creation`,
          };
        }
        lead.createdTime = Math.max(t, form.createdTime);
        break;
      }
      case "ad_id":
        lead.adId = text[0]!.trim();
        break;
      case "platform":
        lead.platform = text[0]!.trim();
        break;
      case "external_id":
        lead.externalId = text[0]!.trim();
        break;
      default:
        if (boxes.has(key)) disclaimers.push({ checkbox_key: key, is_checked: TRUE.has(text[0]!.trim().toLowerCase()) ? "1" : "" });
        else fieldData.push({ name: key, values: text });
    }
  }
  return lead;
}

const isBad = (x: NewLead | BadRow): x is BadRow => "message" in x;

/**
 * Imports a CSV or JSONL file into one form in batches, each batch one transaction through
 * LeadIntake. Bad rows are reported with their line and skipped (or stop the import with
 * `strict`); rows with an `external_id` already imported are skipped, so re-runs add nothing twice.
 */
export async function importLeads(services: Services, opts: ImportOptions): Promise<ImportSummary> {
  const form = await services.store.forms.get(opts.formId);
  if (!form) throw new Error(`no form with id ${opts.formId}`);
  const batchSize = opts.batchSize ?? 1000;
  const summary: ImportSummary = { rows: 0, created: 0, skipped: 0, bad: [] };
  const known = new Set([
    ...form.spec.questions.map((q) => q.key),
    ...Object.keys(form.spec.trackingParameters),
    ...(form.spec.customDisclaimer?.checkboxes ?? []).map((c) => c.key),
    ...SPECIAL_COLUMNS,
  ]);
  const boxes = new Set((form.spec.customDisclaimer?.checkboxes ?? []).map((c) => c.key));
  const seenExternal = new Set<string>();
  let batch: { line: number; lead: NewLead }[] = [];
  let stop = false;

  const bad = (b: BadRow) => {
    summary.bad.push(b);
    if (opts.strict) {
      summary.stoppedAt = b.line;
      stop = true;
    }
  };

  const flush = async () => {
    let rows = batch;
    batch = [];
    const ext = rows.map((r) => r.lead.externalId).filter((x): x is string => typeof x === "string");
    if (ext.length > 0) {
      const existing = await services.store.leads.findByExternalIds(form.id, ext);
      const before = rows.length;
      rows = rows.filter((r) => !(r.lead.externalId && existing.has(r.lead.externalId)));
      summary.skipped += before - rows.length;
    }
    // A bad row fails its whole batch transaction: drop it, report it, and retry the rest.
    while (rows.length > 0) {
      try {
        await services.intake.create(
          rows.map((r) => r.lead),
          { source: "import", fireWebhooks: opts.fireWebhooks ?? false },
          "row",
        );
        summary.created += rows.length;
        return;
      } catch (e) {
        if (!(e instanceof LeadInputError)) throw e;
        const m = /^row\[(\d+)\]\.?(.*)$/.exec(e.path);
        const index = m ? Number(m[1]) : 0;
        const detail = e.message.replace(/^\(#100\) [^:]+: /, "");
        bad({ line: rows[index]!.line, message: m?.[2] ? `${m[2]}: ${detail}` : detail });
        if (stop) return;
        rows = rows.filter((_, i) => i !== index);
      }
    }
  };

  let checkedHeader = false;
  let lastLine = 0;
  for await (const row of readRows(opts.file, opts.format, opts.stream)) {
    if (stop) break;
    if (opts.signal?.aborted) {
      summary.interruptedAfterLine = lastLine;
      break;
    }
    lastLine = row.line;
    summary.rows++;
    if (row instanceof RowSyntaxError) {
      bad({ line: row.line, message: row.message });
      continue;
    }
    if (!checkedHeader && opts.format === "csv") {
      checkedHeader = true;
      const unknown = Object.keys(row.values).filter((k) => !known.has(k));
      if (unknown.length > 0) {
        throw new Error(
          `unknown columns ${unknown.map((k) => `"${k}"`).join(", ")}: columns must be question keys of form ${form.id} (${form.spec.questions.map((q) => q.key).join(", ")}) or ${SPECIAL_COLUMNS.join(", ")}`,
        );
      }
    }
    const lead = toLead(form, boxes, row, opts.moveEarlyLeads === true);
    if (isBad(lead)) {
      bad(lead);
      continue;
    }
    if (lead.externalId) {
      if (seenExternal.has(lead.externalId)) {
        summary.skipped++;
        continue;
      }
      seenExternal.add(lead.externalId);
    }
    batch.push({ line: row.line, lead });
    if (batch.length >= batchSize) {
      await flush();
      opts.onProgress?.(summary.rows, summary);
    }
  }
  if (!stop && batch.length > 0) await flush();
  opts.onProgress?.(summary.rows, summary);
  return summary;
}
