import type { Socket } from "node:net";
import querystring from "fast-querystring";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { errors, type GraphError, isGraphError } from "../domain/errors.ts";
import { errorBody } from "../graph/execute.ts";
import { graphHeaderList } from "../graph/http-route.ts";
import { type InputLimits, jsonShapeProblem, moreThan, refusalOf, tooManyParams, valueTooLong } from "../graph/input-limits.ts";
import type { Config } from "../runtime/config.ts";

/** The request limits of every surface, from configuration (docs/errors.md, "Input limits"). */
export interface SurfaceLimits extends InputLimits {
  /** Graph calls and the administration API. */
  bodyBytes: number;
  /** `POST /_leadgraph/admin/forms/{id}/leads`, up to 10,000 leads a call. */
  importBodyBytes: number;
  /** The hosted form `/forms/{id}`. */
  formBodyBytes: number;
}

export const surfaceLimits = (c: Config): SurfaceLimits => ({
  bodyBytes: c.bodyLimitBytes,
  importBodyBytes: c.importBodyLimitBytes,
  formBodyBytes: c.formBodyLimitBytes,
  maxParams: c.maxParams,
  maxStringLength: c.maxStringLength,
  maxJsonDepth: c.maxJsonDepth,
});

/**
 * Body parsers that count before they build: a urlencoded body's parameters are counted before
 * it is split, a JSON body's depth and strings are checked before JSON.parse, and both refuse
 * with a Graph error (which the route's error handler renders) instead of building whatever was sent.
 */
export function registerBodyParsers(app: FastifyInstance, limits: SurfaceLimits): void {
  // JSON bodies may be empty (the SDKs send `{}` or nothing on GET/DELETE).
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === "") return done(null, {});
    const problem = jsonShapeProblem(text, limits);
    if (problem) return done(problem, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(errors.invalidParam("The request body is not valid JSON"), undefined);
    }
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.keys(parsed).length > limits.maxParams) {
      return done(tooManyParams("body", limits.maxParams), undefined);
    }
    done(null, parsed);
  });
  // Anything else (text/plain…) is read as a form body, which is what such clients usually send.
  const form = (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseFormBody(String(body), limits));
    } catch (e) {
      done(e as Error, undefined);
    }
  };
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, form);
  app.addContentTypeParser("*", { parseAs: "string" }, form);
}

/** A urlencoded body as a flat key → value(s) object, refused over the parameter and length limits. */
export function parseFormBody(text: string, limits: Pick<InputLimits, "maxParams" | "maxStringLength">): Record<string, unknown> {
  if (text === "") return {};
  if (moreThan(text, "&", limits.maxParams - 1)) throw tooManyParams("body", limits.maxParams);
  const out = querystring.parse(text) as Record<string, unknown>;
  for (const key in out) {
    const v = out[key];
    if (
      typeof v === "string"
        ? v.length > limits.maxStringLength
        : Array.isArray(v) && v.some((x) => typeof x === "string" && x.length > limits.maxStringLength)
    ) {
      throw valueTooLong(key, limits.maxStringLength);
    }
  }
  return out;
}

/**
 * A refused query string (see queryParser) becomes its error before any route runs. The hook is
 * synchronous and only looks for a symbol, so routes pay next to nothing for it.
 */
export function refuseOverLimitQueries(app: FastifyInstance): void {
  app.addHook("preValidation", (req, _reply, done) => {
    const refused = refusalOf(req.query);
    done(refused);
  });
}

/**
 * Multipart bodies are read by the plugin straight from the socket, past Fastify's body limit and
 * without telling a truncated body from a whole one. So: a declared length over the limit is refused
 * before anything is read; the bytes are counted as the plugin reads them (a chunked body is failed
 * once it passes the limit) and the body must end with its closing boundary; values over the
 * string limit are refused rather than cut short. `afterPlugin` runs once the plugin has read the body.
 */
export function boundMultipart(app: FastifyInstance, limits: Pick<SurfaceLimits, "bodyBytes" | "maxStringLength">) {
  app.addHook("onRequest", (req, _reply, done) => {
    const type = req.headers["content-type"];
    if (typeof type !== "string" || !/^\s*multipart\//i.test(type)) return done();
    const boundary = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(type);
    // Without a boundary the plugin would read nothing and let the call run with no body at all.
    if (boundary === null) return done(errors.invalidParam("The multipart body could not be read: its Content-Type names no boundary"));
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limits.bodyBytes) return done(errors.requestTooLarge());
    const closing = Buffer.from(`--${boundary[1] ?? boundary[2]}--`);
    const read: MultipartRead = { closing, tail: Buffer.alloc(0) };
    multipartReads.set(req.raw, read);
    const raw = req.raw;
    const pipe = raw.pipe.bind(raw);
    // The counter starts with the plugin's own reader, so not a byte flows before the plugin reads.
    raw.pipe = (dest, options) => {
      let seen = 0;
      const count = (chunk: Buffer) => {
        seen += chunk.length;
        read.tail = Buffer.concat([read.tail, chunk]).subarray(-(closing.length + 8));
        if (seen > limits.bodyBytes) {
          raw.off("data", count);
          read.tooLarge = true;
          // The plugin listens for the request's errors and fails its parse with this one.
          raw.emit("error", errors.requestTooLarge());
        }
      };
      raw.on("data", count);
      return pipe(dest, options);
    };
    done();
  });
  return {
    afterPlugin(target: FastifyInstance): void {
      target.addHook("preValidation", (req, _reply, done) => {
        const read = multipartReads.get(req.raw);
        if (read === undefined) return done();
        if (!read.tail.includes(read.closing))
          return done(errors.invalidParam("The multipart body could not be read: it ends before its closing boundary"));
        const body = req.body as Record<string, unknown> | undefined;
        for (const key in body) {
          const v = body[key];
          if (
            (Array.isArray(v) ? v : [v]).some((x) => (typeof x === "string" || Buffer.isBuffer(x)) && x.length > limits.maxStringLength)
          ) {
            return done(valueTooLong(key, limits.maxStringLength));
          }
        }
        done();
      });
    },
  };
}

interface MultipartRead {
  closing: Buffer;
  tail: Buffer;
  tooLarge?: boolean;
}

const multipartReads = new WeakMap<object, MultipartRead>();

/** What an error thrown while reading a body should answer: the parsers' Graph errors, or a 4xx for a malformed body. */
export function bodyErrorToGraph(err: Error & { statusCode?: number; code?: string }, req: FastifyRequest): GraphError | undefined {
  if (multipartReads.get(req.raw)?.tooLarge) return errors.requestTooLarge();
  if (isGraphError(err)) return err;
  if (
    err.code === "FST_ERR_CTP_BODY_TOO_LARGE" ||
    err.code === "FST_REQ_FILE_TOO_LARGE" ||
    err.code === "FST_FIELDS_LIMIT" ||
    err.code === "FST_PARTS_LIMIT" ||
    err.code === "FST_FILES_LIMIT" ||
    err.statusCode === 413
  ) {
    return errors.requestTooLarge();
  }
  // busboy's own errors (no boundary, truncated parts, malformed headers) carry no status.
  if (isMultipartParseError(err)) return errors.invalidParam(`The multipart body could not be read: ${err.message.slice(0, 120)}`);
  return undefined;
}

const isMultipartParseError = (err: Error) =>
  /multipart|boundary|busboy|Unexpected end of form|Malformed part header|Part terminated early/i.test(err.message) ||
  (err.stack ?? "").includes("busboy");

/** How much of a refused body is read and thrown away so the client gets its answer, and for how long. */
const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 10_000;

/**
 * Before a refusal is sent for a body that was not read to its end, the rest is read and dropped:
 * answered early, Node closes the connection with the body still arriving, and the kernel's reset
 * can destroy the answer before the client reads it. Bounded in bytes and time; past either the
 * answer goes out anyway (and the connection is closed after it).
 */
export function drainRefusedBody(raw: FastifyRequest["raw"]): Promise<void> {
  if (raw.complete || raw.destroyed || raw.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off("data", count);
      raw.off("end", finish);
      raw.off("close", finish);
      resolve();
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_MS);
    raw.on("data", count);
    raw.once("end", finish);
    raw.once("close", finish);
    raw.resume();
  });
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers over 16 KiB, bytes
 * that are not HTTP). They answer in Graph's envelope too, then the connection is closed, as Node does.
 */
export function graphClientErrorHandler(version: string, traceId: () => string) {
  return (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const graphErr =
      err.code === "HPE_HEADER_OVERFLOW"
        ? errors.headersTooLarge()
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? errors.requestTimeout()
          : errors.invalidParam("The request is not valid HTTP/1.1");
    const id = traceId();
    const body = errorBody(graphErr);
    body.error.fbtrace_id = id;
    const text = JSON.stringify(body);
    const list = graphHeaderList(version, id);
    let head = `HTTP/1.1 ${graphErr.status} ${STATUS_TEXT[graphErr.status] ?? "Bad Request"}\r\n`;
    for (let i = 0; i < list.length; i += 2) head += `${list[i]}: ${list[i + 1]}\r\n`;
    head += `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n`;
    if (!socket.writable) return socket.destroy();
    // Ended, not destroyed: what the client is still sending is read and dropped (for a bounded
    // time) so that no reset overtakes the answer.
    socket.end(head + text);
    socket.on("data", () => undefined);
    socket.resume();
    setTimeout(() => socket.destroy(), DRAIN_MS).unref();
  };
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };
