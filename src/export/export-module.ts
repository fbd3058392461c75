import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { nowSeconds } from "../domain/clock.ts";
import { errors, GraphError, isGraphError } from "../domain/errors.ts";
import { clampExportRange, parseExportDate, readableRange } from "../domain/export/export-range.ts";
import { neutraliseRows } from "../contract/formula-cells.ts";
import { leadExportRows } from "../domain/export/lead-export.ts";
import { UsageReport } from "../domain/rate-limit/meter.ts";
import { errorBody, usageHeadersOf } from "../graph/execute.ts";
import { graphHeaders, sendGraph, tokenFrom } from "../graph/http-route.ts";
import { boolParam, mergeParams, type Params, stringParam } from "../graph/params.ts";
import type { HttpModule } from "../http-kit/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DelimitedText } from "./delimited-text.ts";

export const EXPORT_PATH = "/ads/lead_gen/export_csv";

const FORMATS = { tsv: { delimiter: "\t", type: "text/tab-separated-values" }, csv: { delimiter: ",", type: "text/csv" } } as const;

/**
 * `GET /ads/lead_gen/export_csv/?id=<form>&type=form&from_date=&to_date=`: a form's leads in a date
 * range as one streamed TSV (or CSV with `format=csv`). Meta serves it on www.facebook.com to a
 * logged-in browser; we take the Graph token (`access_token` or `Authorization: Bearer`) instead.
 * One export is one call against the page's lead rate limit, however many rows it holds.
 */
export const exportModule: HttpModule = async (app, runtime) => {
  app.get(EXPORT_PATH, (req, reply) => handleExport(runtime, req, reply));
};

async function handleExport(runtime: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const params = mergeParams(req.query, undefined);
  const usage = new UsageReport();
  graphHeaders(reply, runtime.config.graphVersion);
  try {
    const { services } = runtime;
    const request = readParams(params);
    const caller = await services.policy.authenticate({
      token: tokenFrom(req, params),
      appsecretProof: stringParam(params, "appsecret_proof"),
    });
    const form = await services.store.forms.get(request.id);
    if (!form || form.status === "DELETED") throw errors.unknownObject(request.id);
    await services.policy.assertCanReadLeads(caller, form.pageId, form.id);
    const now = nowSeconds(services.clock);
    const range = clampExportRange(request, form.createdTime, now);
    await services.meter.charge(caller, form.pageId, 1, usage);
    const readable = readableRange(range, now);
    const rowCount =
      readable.from > readable.to
        ? 0
        : await services.store.leadExport.count({ formId: form.id, fromTime: readable.from, beforeTime: readable.to + 1 });

    const format = FORMATS[request.format];
    for (const [k, v] of Object.entries(usageHeadersOf(usage))) reply.header(k, v);
    reply.header("content-type", `${format.type}; charset=utf-8`);
    reply.header("content-disposition", `attachment; filename="${fileName(form.id, range, request.format)}"`);
    reply.header("x-leadgraph-export-from", String(range.from));
    reply.header("x-leadgraph-export-to", String(range.to));
    // An upper bound for progress bars: leads hidden from this caller are not written.
    reply.header("x-leadgraph-row-count", String(rowCount));
    const batches = leadExportRows({ store: services.store, policy: services.policy, caller }, form, readable);
    const text = new DelimitedText(format.delimiter);
    // One string per batch of rows keeps per-row stream overhead out of the hot loop; the stream
    // pulls the next batch only when the socket has drained, so memory stays at about one batch.
    const out = Readable.from(
      (async function* () {
        for await (const rows of batches) yield text.format(request.raw ? rows : neutraliseRows(rows));
      })(),
      { objectMode: false },
    );
    out.on("error", (err) => req.log.error({ err }, "export stream failed"));
    return reply.code(200).send(out);
  } catch (e) {
    const err = isGraphError(e) ? e : errors.unknown(e);
    if (!(e instanceof GraphError)) req.log.error({ err: e }, "export failed");
    for (const [k, v] of Object.entries(usageHeadersOf(usage))) reply.header(k, v);
    if (err.authError)
      reply.header(
        "www-authenticate",
        `OAuth "Facebook Platform" "${err.authError}" "${err.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?")}"`,
      );
    return sendGraph(reply, err.status, errorBody(err), params);
  }
}

interface ExportRequest {
  id: string;
  fromDate?: number;
  toDate?: number;
  format: keyof typeof FORMATS;
  /** `raw=true`: cells exactly as stored, formula-like ones included (byte-exact output). */
  raw: boolean;
}

function readParams(params: Params): ExportRequest {
  const id = stringParam(params, "id")?.trim();
  if (!id) throw errors.paramRequired("id");
  if (!/^\d{1,25}$/.test(id)) throw errors.invalidParam(`Param id must be the id of a lead form - got "${id.slice(0, 40)}"`);
  const type = stringParam(params, "type")?.trim();
  if (!type) throw errors.paramRequired("type");
  if (type !== "form") throw errors.paramEnum("type", ["form"], type.slice(0, 40));
  const format = (stringParam(params, "format")?.trim() || "tsv").toLowerCase();
  if (format !== "tsv" && format !== "csv") throw errors.paramEnum("format", ["tsv", "csv"], format.slice(0, 40));
  const fromDate = parseExportDate("from_date", stringParam(params, "from_date"));
  const toDate = parseExportDate("to_date", stringParam(params, "to_date"));
  const raw = boolParam(params, "raw") ?? false;
  return { id, format, raw, ...(fromDate !== undefined ? { fromDate } : {}), ...(toDate !== undefined ? { toDate } : {}) };
}

const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

/** `leads-form-<id>-<from day>-to-<to day>.tsv`: ASCII only, so no filename* encoding is needed. */
export const fileName = (formId: string, range: { from: number; to: number }, format: string): string =>
  `leads-form-${formId}-${day(range.from)}-to-${day(range.to)}.${format}`;
