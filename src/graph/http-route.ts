import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { errors } from "../domain/errors.ts";
import { errorBody, type GraphExecutor, type GraphRequest } from "./execute.ts";
import { boolParam, mergeParams, stringParam } from "./params.ts";

const VERSION = /^v\d{1,2}\.\d{1,2}$/;

/** Headers Graph sends on every answer, as a flat name, value, name, value… list (Node's writeHead takes one). */
export function graphHeaderList(version: string, traceId: string): string[] {
  return [
    "content-type",
    "application/json; charset=UTF-8",
    "facebook-api-version",
    version,
    "x-fb-trace-id",
    traceId,
    "x-fb-request-id",
    traceId,
    "cache-control",
    "private, no-cache, no-store, must-revalidate",
    "pragma",
    "no-cache",
    "expires",
    "Sat, 01 Jan 2000 00:00:00 GMT",
    "access-control-allow-origin",
    "*",
  ];
}

export function graphHeaders(reply: FastifyReply, version: string): void {
  const list = graphHeaderList(version, reply.request.id);
  for (let i = 0; i < list.length; i += 2) reply.header(list[i]!, list[i + 1]!);
}

/** Error bodies carry the request's trace id, as Meta's do. */
export function stampTraceId(body: unknown, traceId: string): void {
  if (typeof body === "object" && body !== null && "error" in body) {
    (body as { error: Record<string, unknown> }).error.fbtrace_id = traceId;
  }
}

/** Sends a Graph body, honouring `pretty` and `suppress_http_code`, with fbtrace_id in errors. */
export function sendGraph(reply: FastifyReply, status: number, body: unknown, params: Record<string, unknown>): FastifyReply {
  stampTraceId(body, reply.request.id);
  let pretty = false;
  let suppress = false;
  try {
    pretty = boolParam(params, "pretty") ?? false;
    suppress = boolParam(params, "suppress_http_code") ?? false;
  } catch {
    // malformed framework params are ignored, as Graph ignores them
  }
  return reply.code(suppress ? 200 : status).send(pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}

/** The token and appsecret_proof of a Graph call, from where Graph takes them. */
export function credentialsFrom(
  req: Pick<FastifyRequest, "headers">,
  params: Record<string, unknown>,
): Pick<GraphRequest, "token" | "appsecretProof"> {
  return { token: tokenFrom(req, params), appsecretProof: typeof params.appsecret_proof === "string" ? params.appsecret_proof : undefined };
}

export function tokenFrom(req: Pick<FastifyRequest, "headers">, params: Record<string, unknown>): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  try {
    return stringParam(params, "access_token");
  } catch {
    return undefined;
  }
}

/**
 * The Graph surface: every path not claimed by another module is a Graph path, for `methods`.
 * Called once per set of methods that needs its own Fastify context, all with one executor.
 */
export function registerGraphRoutes(
  app: FastifyInstance,
  executor: GraphExecutor,
  defaultVersion: string,
  methods: HTTPMethods[],
  maxParams?: number,
): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = mergeParams(req.query, req.body, maxParams);
    let segments =
      (req.params as { "*"?: string })["*"]
        ?.split("?")[0]
        ?.split("/")
        .filter((s) => s !== "") ?? [];
    let version = defaultVersion;
    if (segments[0] !== undefined && VERSION.test(segments[0])) {
      version = segments[0];
      segments = segments.slice(1);
    }
    graphHeaders(reply, version);
    let method = req.method.toUpperCase();
    const override = typeof params.method === "string" ? params.method.toUpperCase() : undefined;
    if (override && (method === "GET" || method === "POST")) method = override;
    if (method !== "GET" && method !== "POST" && method !== "DELETE") {
      return sendGraph(reply, 400, errorBody(errors.unsupportedMethod(method, "")), params);
    }
    let path: string;
    try {
      path = segments.map((s) => decodeURIComponent(s)).join("/");
    } catch {
      return sendGraph(reply, 400, errorBody(errors.unknownPath(`/${segments.join("/")}`)), params);
    }
    const res = await executor.execute({ method, path, params, version, ...credentialsFrom(req, params), clientAddress: req.ip });
    for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
    return sendGraph(reply, res.status, res.body, params);
  };
  app.route({ method: methods, url: "/*", handler });
  app.route({ method: methods, url: "/", handler });
}
