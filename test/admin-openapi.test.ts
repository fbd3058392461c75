import { Validator } from "@seriousme/openapi-schema-validator";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredAdminRoutes } from "../src/admin/admin-kit.ts";
import { admin } from "./support/admin-client.ts";
import { accessWorld } from "./support/access-world.ts";
import { type Harness, startHarness } from "./support/harness.ts";

/** Every route Fastify holds, as "METHOD /path" (HEAD left out: Fastify adds it to every GET). */
function fastifyRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]*)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join("");
    for (const method of m[3]!.split(", ")) if (method !== "HEAD") out.push(`${method} ${path}`);
  }
  return out;
}

describe("admin API OpenAPI document", () => {
  let h: Harness;
  let doc: any;
  beforeAll(async () => {
    h = await startHarness("sqlite", { world: accessWorld() });
    const res = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = JSON.parse(res.body);
  });
  afterAll(async () => h?.close());

  it("is served without the admin key and is valid OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it("describes every admin route Fastify holds, and nothing else", () => {
    // Fastify's tree shares a segment between routes naming its parameter differently (`:id|:pageId`): names are left out.
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{\w+\}/g, ":")}`))
      .sort();
    // The catch-all for unknown admin paths is not an operation.
    const held = fastifyRoutes(h.app)
      .filter((r) => r.includes(" /_leadgraph/admin/") && !r.endsWith("*"))
      .map((r) => r.replace(/:\w+(\|:\w+)*/g, ":"))
      .sort();
    expect(held.length).toBeGreaterThan(60);
    expect(documented).toEqual(held);
  });

  it("declares request bodies and answers from the schemas", () => {
    const create = doc.paths["/_leadgraph/admin/apps"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual(["name"]);
    expect(create.requestBody.content["application/json"].schema.additionalProperties).toBe(false);
    const list = doc.paths["/_leadgraph/admin/apps"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(["limit", "after"]);
    expect(list.parameters[0].schema).toMatchObject({ type: "integer", minimum: 1, maximum: 1000 });
    expect(list.responses["200"].content["application/json"].schema.properties.data.type).toBe("array");
    expect(doc.paths["/_leadgraph/admin/apps/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
  });

  describe("every paged route follows one limit and paging rule", () => {
    const paged = () =>
      registeredAdminRoutes(h.app).filter((r) => r.method === "GET" && r.query !== undefined && "limit" in ((r.query as any).shape ?? {}));
    const urlOf = (path: string) => path.replace(":id", "3001").replace(":pageId", "3001");

    it("covers the lists", () => {
      const paths = paged()
        .map((r) => r.path)
        .sort();
      expect(paths).toEqual([
        "/ad_accounts",
        "/ads",
        "/adsets",
        "/apps",
        "/campaigns",
        "/erasures",
        "/instances",
        "/limits",
        "/pages",
        "/pages/:id/locations",
        "/pages/:id/roles",
        "/tokens",
        "/users",
        "/webhooks/deliveries",
        "/webhooks/disabled",
        "/webhooks/installs",
        "/webhooks/subscriptions",
      ]);
    });

    it("refuses a limit above 1000, below 1 or not a number, naming the parameter", async () => {
      for (const r of paged()) {
        for (const [limit, message] of [
          ["1001", "(#100) Param limit must be at most 1000 - got 1001"],
          ["0", '(#100) Param limit must be a positive integer - got "0"'],
          ["ten", '(#100) Param limit must be a positive integer - got "ten"'],
        ] as const) {
          const res = await admin(h, "GET", `${urlOf(r.path)}?limit=${limit}`);
          expect({ path: r.path, status: res.status, error: res.body.error?.message }).toEqual({
            path: r.path,
            status: 400,
            error: message,
          });
        }
        expect({ path: r.path, status: (await admin(h, "GET", `${urlOf(r.path)}?limit=1000`)).status }).toEqual({
          path: r.path,
          status: 200,
        });
      }
    });

    it("answers pages in one shape, and paging.next leads to the next row", async () => {
      let followed = 0;
      for (const r of paged()) {
        const first = await admin(h, "GET", `${urlOf(r.path)}?limit=1`);
        expect(first.status).toBe(200);
        expect(Object.keys(first.body).sort()).toEqual(first.body.data.length > 0 ? ["data", "paging"] : ["data"]);
        if (first.body.data.length === 0) continue;
        expect(first.body.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
        if (!first.body.paging.next) continue;
        const next = new URL(first.body.paging.next);
        expect(next.searchParams.get("limit")).toBe("1");
        const second = await admin(h, "GET", `${next.pathname.replace("/_leadgraph/admin", "")}${next.search}`);
        expect(second.status).toBe(200);
        expect(second.body.data).toHaveLength(1);
        expect(second.body.data[0]).not.toEqual(first.body.data[0]);
        followed++;
      }
      // The access world has several apps, users, pages, tokens and page roles.
      expect(followed).toBeGreaterThanOrEqual(6);
    });

    it("answers 100 rows when no limit is given", async () => {
      for (let i = 0; i < 101; i++) expect((await admin(h, "POST", "/users", { name: `Bulk user ${i}` })).status).toBe(200);
      const res = await admin(h, "GET", "/users");
      expect(res.body.data).toHaveLength(100);
      expect(new URL(res.body.paging.next).searchParams.get("limit")).toBe("100");
    });
  });
});
