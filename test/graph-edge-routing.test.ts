import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/** Every statement SQLite runs for reads (`all`) in this process, by SQL text. */
const reads: string[] = [];
const statementProto = Object.getPrototypeOf(new SQLite(":memory:").prepare("select 1")) as { all: (...a: unknown[]) => unknown };
const originalAll = statementProto.all;
statementProto.all = function (this: { source: string }, ...args: unknown[]) {
  reads.push(this.source);
  return originalAll.apply(this, args);
};
afterAll(() => {
  statementProto.all = originalAll;
});

describe.each(databaseKinds())("routing a path with an edge (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  it("answers 2500 for an edge of a lead, which has none", async () => {
    const res = await h.graph("GET", "/9001/leads", { token: "EAAB-page-acme" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 2500, message: "Unknown path components: /leads" });
  });

  it("answers 100 for an edge of an id that is nothing", async () => {
    const res = await h.graph("GET", "/123456789/leads", { token: "EAAB-page-acme" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100 });
  });

  it("reads a form's edge without loading a lead row to learn the id's kind", async () => {
    reads.length = 0;
    const res = await h.graph("GET", "/8001/leads", { token: "EAAB-page-acme", query: { limit: "1" } });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    if (kind === "sqlite") expect(reads.filter((s) => /from "leads" where "id" = \?/.test(s))).toEqual([]);
  });
});
