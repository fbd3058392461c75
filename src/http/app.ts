import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { errors, GraphError } from "../domain/errors.ts";
import { createGraphExecutor, errorBody } from "../graph/execute.ts";
import { graphHeaders, registerGraphRoutes, sendGraph } from "../graph/http-route.ts";
import { queryParser } from "../graph/params.ts";
import { logDatabaseFaults } from "../ops/database-fault-log.ts";
import type { Runtime } from "../runtime/runtime.ts";
import {
  bodyErrorToGraph,
  boundMultipart,
  drainRefusedBody,
  graphClientErrorHandler,
  provideThrottle,
  refuseOverLimitQueries,
  registerBodyParsers,
  surfaceLimits,
} from "../http-kit/index.ts";
import { graphLogController } from "./logger.ts";
import { httpModules } from "./modules.ts";
import { answerAbsoluteForm } from "../intercept/intercept-proxy.ts";
import { enableInterception } from "../intercept/interception.ts";
import type { CertificateAuthority } from "../intercept/certificate-authority.ts";
import { INTERCEPTED_GRAPH_URL } from "../intercept/meta-hosts.ts";

export interface AppOptions {
  logger?: FastifyServerOptions["logger"];
  /** Base URL of absolute links (paging); defaults to the runtime's configured public URL. */
  publicUrl?: string;
}

/**
 * Graph trace ids look like Meta's: 11 url-safe characters, here 64 random bits. They come from
 * randomUUID's random hex digits (its version and variant digits left out): Node fills its UUIDs
 * from an entropy cache refilled in batches, where randomBytes makes a system call per request.
 */
const traceId = (): string => {
  const u = randomUUID();
  return Buffer.from(u.slice(0, 8) + u.slice(24, 32), "hex").toString("base64url");
};

/**
 * The whole HTTP surface as a Fastify instance, not yet listening: `serve` listens, tests inject.
 * Other modules (admin API, hosted forms, console, export, operations) claim their own prefixes;
 * every other path is the Graph API.
 */
export async function buildApp(runtime: Runtime, opts: AppOptions = {}): Promise<FastifyInstance> {
  const limits = surfaceLimits(runtime.config);
  const parseQuery = queryParser(limits);
  const intercept = runtime.config.intercept;
  const app = Fastify({
    // An interception proxy receives absolute-form targets (`GET http://graph.facebook.com/…`): they
    // are turned into paths (or refused) before Fastify routes them.
    serverFactory: (handler, options) => {
      const server = createServer(
        intercept
          ? (req, res) => {
              if (!answerAbsoluteForm(req, res)) handler(req, res);
            }
          : handler,
      );
      // What Fastify sets on a server it creates itself (its defaults are filled in by now).
      const o = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
      server.keepAliveTimeout = o.keepAliveTimeout ?? 72_000;
      server.requestTimeout = o.requestTimeout ?? 0;
      server.setTimeout(o.connectionTimeout ?? 0);
      return server;
    },
    logger: opts.logger ?? false,
    bodyLimit: limits.bodyBytes,
    genReqId: traceId,
    logController: graphLogController(),
    clientErrorHandler: graphClientErrorHandler(runtime.config.graphVersion, traceId),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000, querystringParser: parseQuery },
    // Errors raised before routing (a path with broken percent-encoding) still answer in Graph's shape.
    frameworkErrors: (err, req, reply) => {
      graphHeaders(reply, runtime.config.graphVersion);
      const graphErr =
        err.code === "FST_ERR_BAD_URL"
          ? errors.unknownPath(req.url.split("?")[0] ?? "")
          : errors.invalidParam(err.message.replace(/^FST_\w+: /, ""));
      // sendGraph sends the reply at once; Fastify ignores what this handler returns.
      void sendGraph(reply, graphErr.status, errorBody(graphErr), {});
    },
  });

  registerBodyParsers(app, limits);
  refuseOverLimitQueries(app);

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const graphErr =
      bodyErrorToGraph(err, req) ??
      (err instanceof GraphError
        ? err
        : err.statusCode !== undefined && err.statusCode < 500
          ? errors.invalidParam(err.message.replace(/^FST_\w+: /, ""))
          : errors.unknown(err));
    // A GraphError was built on purpose (a database fault, say, already logged where it was seen):
    // its 5xx is an answer, not a bug. Anything else reaching here with a 5xx is one.
    if (graphErr.status >= 500 && err instanceof GraphError)
      req.log.warn({ code: graphErr.code, status: graphErr.status }, "answered a server error");
    else if (graphErr.status >= 500) req.log.error({ err }, "unhandled error");
    else await drainRefusedBody(req.raw);
    graphHeaders(reply, runtime.config.graphVersion);
    return sendGraph(reply, graphErr.status, errorBody(graphErr), {});
  });
  app.setNotFoundHandler((req, reply) => {
    graphHeaders(reply, runtime.config.graphVersion);
    return sendGraph(reply, 400, errorBody(errors.unknownPath(req.url.split("?")[0] ?? "")), {});
  });

  const configured = (opts.publicUrl ?? runtime.config.publicUrl)?.replace(/\/+$/, "");
  // Without a configured public URL, links point at the socket actually bound (`--port 0` included),
  // so the base is read once listening rather than fixed before listen().
  let bound: string | undefined;
  const links = {
    get publicUrl(): string {
      if (configured !== undefined) return configured;
      if (bound !== undefined) return bound;
      const url = listeningUrl(app, runtime.config.host, runtime.config.port);
      if (app.server.listening) bound = url;
      return url;
    },
  };
  provideThrottle(app, runtime.services.throttle);
  for (const register of httpModules) await register(app, runtime, links);
  // Only Graph calls that carry bodies take multipart ones (`curl -F`, the SDKs' form posts). The
  // plugin hooks every request of its context (three promises and a listener each), so lead reads
  // are routed outside it: Fastify never parses a GET body anyway.
  const defaultVersion = runtime.config.graphVersion;
  // In interception mode clients reach us as graph.facebook.com, so Graph links name it (and bring
  // the client back through the proxy); the other surfaces keep the address they are reached at.
  const executor = createGraphExecutor(runtime.services, {
    get publicUrl() {
      return intercept ? INTERCEPTED_GRAPH_URL : links.publicUrl;
    },
    defaultVersion,
  });
  registerGraphRoutes(app, executor, defaultVersion, ["GET"], limits.maxParams);
  await app.register(async (withBodies) => {
    const guard = boundMultipart(withBodies, limits);
    await withBodies.register(multipart, {
      attachFieldsToBody: "keyValues",
      // One more than the string limit: busboy cuts longer values short, the guard refuses them.
      limits: {
        fileSize: limits.bodyBytes,
        files: 4,
        fields: limits.maxParams,
        parts: limits.maxParams,
        fieldSize: limits.maxStringLength + 1,
        headerPairs: 100,
      },
    });
    guard.afterPlugin(withBodies);
    registerGraphRoutes(withBodies, executor, defaultVersion, ["POST", "DELETE", "PUT", "PATCH"], limits.maxParams);
  });
  if (opts.logger) {
    const stop = logDatabaseFaults(runtime, app.log);
    app.addHook("onClose", async () => stop());
  }
  if (intercept) {
    const ca = enableInterception(app.server, runtime.config, (target, reason) =>
      app.log.info({ target, reason }, "interception proxy refused a CONNECT"),
    );
    interceptCas.set(app, ca);
  }
  return app;
}

const interceptCas = new WeakMap<FastifyInstance, CertificateAuthority>();

/** The interception authority of an app built in interception mode. */
export const interceptCaOf = (app: FastifyInstance): CertificateAuthority | undefined => interceptCas.get(app);

function listeningUrl(app: FastifyInstance, host: string, port: number): string {
  const address = app.server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const name = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${boundPort}`;
}
