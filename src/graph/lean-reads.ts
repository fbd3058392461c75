import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import { errors, type GraphError, isGraphError } from "../domain/errors.ts";
import { errorBody, type GraphExecutor, type GraphResponse, VERSION_HEADER } from "./execute.ts";
import { credentialsFrom, graphHeaderList, stampTraceId } from "./http-route.ts";
import { mergeParams } from "./params.ts";

/**
 * `GET /{id}` and `GET /{id}/{edge}` with an optional version: what integrations call all day.
 * Anything else (percent-encoded or doubled slashes, `me`, `act_` ids, the root) goes to Fastify.
 */
const LEAN_PATH = /^\/(?:(v\d{1,2}\.\d{1,2})\/)?(\d{1,20}(?:\/[a-z_]{1,40})?)\/?$/;

/** Parameters that change the method or the framing of the answer are left to the Fastify route. */
const FRAMING_PARAMS = ["method", "pretty", "suppress_http_code"] as const;

export interface LeanGraphReads {
  /** Answers `req` and returns true, or returns false and leaves it to Fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Requests answered here: lets tests see which path served them. */
  readonly served: number;
  /** Bursts in which answers were written out (see AnswerBurst). */
  readonly flushes: number;
}

export interface LeanReadsDeps {
  executor: GraphExecutor;
  defaultVersion: string;
  traceId: () => string;
  /** The app's query parser, with its limits. */
  parseQuery: (query: string) => Record<string, unknown>;
  maxParams: number;
  /** What Fastify's `onResponse` hook records for every request. */
  observe: (method: string, url: string, status: number, seconds: number) => void;
  /** The app's logger when request logging is on: the same two lines Fastify writes per request. */
  log: FastifyBaseLogger | undefined;
}

/**
 * Plain Graph reads answered straight from Node's request, before Fastify routes it. Fastify's
 * per-request work (route lookup, request and reply objects, hook chains, a promise per hook)
 * cost more than the read itself: a lead by id takes tens of microseconds in the executor. The
 * answer is the executor's, with the headers, trace id, metrics and request log lines of the
 * Fastify route (test/graph-lean-reads.test.ts compares the two paths answer by answer).
 */
export function leanGraphReads(deps: LeanReadsDeps): LeanGraphReads {
  let served = 0;
  const burst = new AnswerBurst(deps.observe);
  return {
    handle(req, res) {
      if (req.method !== "GET") return false;
      const url = req.url ?? "";
      const q = url.indexOf("?");
      const m = LEAN_PATH.exec(q < 0 ? url : url.slice(0, q));
      if (m === null) return false;
      // Fastify ignores GET bodies; one announced here is odd enough to take the general path.
      if (req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0") return false;
      let params: Record<string, unknown> | undefined;
      let refused: unknown;
      try {
        params = mergeParams(q < 0 ? {} : deps.parseQuery(url.slice(q + 1)), undefined, deps.maxParams);
      } catch (e) {
        // Over the input limits: refused here, before any token is looked at, as Fastify's route would.
        if (!isGraphError(e)) return false;
        refused = e;
      }
      if (params !== undefined) for (const name of FRAMING_PARAMS) if (params[name] !== undefined) return false;

      served++;
      const call: LeanCall = {
        res, url, version: m[1] ?? deps.defaultVersion, traceId: deps.traceId(), started: performance.now(), log: undefined, ip: undefined, body: undefined, burst,
      };
      if (deps.log) {
        call.log = deps.log.child({ fbtrace_id: call.traceId });
        call.ip = req.socket.remoteAddress;
      }
      if (params === undefined) {
        const err = refused as GraphError;
        answer(call, { status: err.status, headers: {}, body: errorBody(err) });
        return true;
      }
      // No closures are made per request (under tsx each named one costs a defineProperty).
      deps.executor.execute({ method: "GET", path: m[2]!, params, version: call.version, ...credentialsFrom(req, params) })
        .then((r) => answer(call, r), (e: unknown) => {
          // The executor answers every Graph error itself; reaching here is a bug, answered as Graph does.
          call.log?.error({ err: e }, "unhandled error");
          answer(call, { status: 500, headers: {}, body: errorBody(errors.unknown(e)) });
        });
      return true;
    },
    get served() {
      return served;
    },
    get flushes() {
      return burst.flushes;
    },
  };
}

interface LeanCall {
  res: ServerResponse;
  url: string;
  version: string;
  traceId: string;
  started: number;
  log: FastifyBaseLogger | undefined;
  /** The client's address, for the request's log line. */
  ip: string | undefined;
  /** Set by answer(): what the burst sends. */
  body: string | undefined;
  burst: AnswerBurst;
}

function answer(call: LeanCall, r: GraphResponse): void {
  stampTraceId(r.body, call.traceId);
  call.body = JSON.stringify(r.body);
  const headers = graphHeaderList(r.headers[VERSION_HEADER] ?? call.version, call.traceId);
  for (const k in r.headers) if (k !== VERSION_HEADER) headers.push(k, r.headers[k]!);
  headers.push("content-length", String(Buffer.byteLength(call.body)));
  // writeHead only records the head; it leaves with the body in end().
  call.res.writeHead(r.status, headers);
  call.burst.add(call);
}

/**
 * Answers are written out together once per turn of the event loop, after the poll phase has read
 * every request that was waiting (setImmediate). Written one at a time, each answer wakes a client
 * that had gone to sleep waiting for it, and on a loaded machine that wake-up (a cross-CPU interrupt,
 * dearer still in a VM) cost the server more than the read itself; written in a burst, the first
 * wakes the client and the rest find it awake. An answer waits at most for the other requests read
 * in the same turn; one request alone waits one setImmediate hop. Recorded latency includes the wait.
 */
class AnswerBurst {
  flushes = 0;
  readonly #observe: LeanReadsDeps["observe"];
  #ready: LeanCall[] = [];
  readonly #writeAll = () => this.#flush();

  constructor(observe: LeanReadsDeps["observe"]) {
    this.#observe = observe;
  }

  add(call: LeanCall): void {
    if (this.#ready.push(call) === 1) setImmediate(this.#writeAll);
  }

  #flush(): void {
    this.flushes++;
    const calls = this.#ready;
    this.#ready = [];
    for (const call of calls) {
      try {
        call.res.end(call.body);
      } catch (e) {
        // One broken answer must not hold back the others in the burst.
        call.log?.error({ err: e }, "writing the answer failed");
      }
      const ms = performance.now() - call.started;
      this.#observe("GET", call.url, call.res.statusCode, ms / 1000);
      // The same one line per request as Fastify's routes write (http/logger.ts).
      call.log?.info({ req: { method: "GET", url: call.url, ip: call.ip }, res: { statusCode: call.res.statusCode }, route: "/*", responseTime: ms }, "request completed");
    }
  }
}
