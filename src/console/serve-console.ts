import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import { consoleSecurityHeaders, type HttpModule } from "../http-kit/index.ts";

/** Where `npm run build:console` writes the bundle (dist/ is not committed). */
export const CONSOLE_DIST = fileURLToPath(new URL("../../dist/console/", import.meta.url));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leadgraph console not built</title></head>
<body>
<h1>The console has not been built</h1>
<p>The developer console is bundled at build time and this server has no bundle in <code>dist/console</code>.</p>
<p>Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it first), then reload this page.</p>
</body></html>
`;

function notBuilt(reply: FastifyReply): FastifyReply {
  return consoleSecurityHeaders(reply)
    .code(503)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(NOT_BUILT);
}

/**
 * The developer console at `/console`: the Vite bundle as static files, and index.html for every
 * other path under /console so client-side routes survive a reload. The bundle is looked up at
 * start; a server started before the build answers with instructions instead of a Graph error.
 */
export function consoleModule(dist: string = CONSOLE_DIST): HttpModule {
  return async (app) => {
    if (!existsSync(`${dist}index.html`)) {
      app.get("/console", (_req, reply) => notBuilt(reply));
      app.get("/console/*", (_req, reply) => notBuilt(reply));
      return;
    }
    await app.register(fastifyStatic, {
      root: dist,
      prefix: "/console/",
      // Files are routed one by one so the catch-all below can serve the SPA for anything else.
      wildcard: false,
      index: false,
      decorateReply: true,
      setHeaders(reply, path) {
        consoleSecurityHeaders(reply);
        // Hashed asset names never change content; index.html must be revalidated to pick up a new build.
        reply.header("cache-control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
    const spa = (_req: unknown, reply: FastifyReply) =>
      consoleSecurityHeaders(reply).header("cache-control", "no-cache").type("text/html; charset=utf-8").sendFile("index.html", dist);
    app.get("/console", spa);
    app.get("/console/*", spa);
  };
}
