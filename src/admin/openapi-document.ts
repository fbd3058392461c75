import { z } from "zod";
import { ADMIN_PREFIX } from "./admin-kit.ts";
import type { AdminRouteSpec } from "./admin-spec.ts";

/** Where the document is served; it holds no data, so it is the one admin path without the key. */
export const OPENAPI_PATH = `${ADMIN_PREFIX}/openapi.json`;

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  // Transforms (limit, numbers sent as text) are described by what a client sends, answers by what it receives.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

/** Path and query schemas become OpenAPI parameters, one per property. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...propSchema } = prop;
    return {
      name,
      in: where,
      required: where === "path" || (s.required ?? []).includes(name),
      schema: propSchema,
      ...(typeof description === "string" ? { description } : {}),
    };
  });
}

const errorAnswer = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/GraphError" } } },
});

const operationId = (r: AdminRouteSpec) =>
  `${r.method.toLowerCase()}_${r.path
    .replace(/^\//, "")
    .replace(/:(\w+)/g, "by_$1")
    .replace(/[^A-Za-z0-9]+/g, "_")}`;

/** The OpenAPI 3.1 document of the admin routes given, generated from their zod schemas. */
export function openApiDocument(routes: readonly AdminRouteSpec[], opts: { version: string; serverUrl: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `${ADMIN_PREFIX}${r.path.replace(/:(\w+)/g, "{$1}")}`;
    const params = [...parameters(r.params, "path"), ...parameters(r.query, "query")];
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: operationId(r),
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      responses: {
        "200": { description: "The answer", content: { "application/json": { schema: jsonSchema(r.response, "output") } } },
        "400": errorAnswer("A parameter is missing or invalid: `(#100) Param <name> …`"),
        "401": errorAnswer("No admin key, or the wrong one (code 190)"),
        "404": errorAnswer("The object named in the path does not exist"),
        "409": errorAnswer("The object already exists, or still has children"),
        "429": errorAnswer("Too many wrong admin keys from this address"),
      },
    };
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: "get_openapi_json",
      tags: ["meta"],
      summary: "This document",
      security: [],
      responses: { "200": { description: "The OpenAPI document", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "leadgraph administration API",
      version: opts.version,
      description:
        "Seeds and inspects the sandbox. Every route but this document needs the admin key. Lists take `limit` (1 to 1000, 100 when absent) and `after`; see docs/admin-api.md.",
    },
    servers: [{ url: opts.serverUrl }],
    security: [{ bearer: [] }, { adminKeyHeader: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer <admin key>" },
        adminKeyHeader: { type: "apiKey", in: "header", name: "X-Leadgraph-Admin-Key" },
      },
      schemas: {
        GraphError: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["message", "type", "code"],
              properties: {
                message: { type: "string" },
                type: { type: "string" },
                code: { type: "integer" },
                error_subcode: { type: "integer" },
                fbtrace_id: { type: "string" },
              },
            },
          },
        },
      },
    },
  };
}
