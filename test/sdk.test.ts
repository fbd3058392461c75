import bizSdk from "facebook-nodejs-business-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const { FacebookAdsApi, Lead, LeadgenForm, Ad, Page } = bizSdk;
const EXTRA = 118; // with the two seed leads: 120 leads on form 8001

/**
 * The official Node SDK, unchanged except for its base URL: it builds `${GRAPH}/${VERSION}/…` for
 * first pages and follows `paging.next` verbatim, so the absolute links must bring it back here.
 */
describe.each(databaseKinds())("facebook-nodejs-business-sdk against leadgraph (%s)", (kind) => {
  let h: Harness;
  let graph: PropertyDescriptor | undefined;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(EXTRA) });
    const url = await h.listen();
    graph = Object.getOwnPropertyDescriptor(FacebookAdsApi, "GRAPH");
    Object.defineProperty(FacebookAdsApi, "GRAPH", { get: () => url, configurable: true });
    FacebookAdsApi.init("EAAB-user-ann", "en_US", false);
  });
  afterAll(async () => {
    if (graph) Object.defineProperty(FacebookAdsApi, "GRAPH", graph);
    await h?.close();
  });

  it("Lead.get reads a lead", async () => {
    const lead = await new Lead("9001").get(["id", "created_time", "ad_id", "form_id", "field_data", "is_organic"]);
    expect(lead._data).toEqual({
      id: "9001",
      created_time: "2026-11-20T10:00:00+0000",
      ad_id: "7001",
      form_id: "8001",
      is_organic: false,
      field_data: [
        { name: "utm_source", values: ["fb"] },
        { name: "full_name", values: ["Joe Example"] },
        { name: "car_make", values: ["honda"] },
      ],
    });
  });

  it("LeadgenForm.getLeads walks every page with cursor.next()", async () => {
    let cursor = await new LeadgenForm("8001").getLeads(["id", "created_time"], { limit: 25 });
    const ids: string[] = cursor.map((l: { id: string }) => l.id);
    let pages = 1;
    while (cursor.hasNext()) {
      cursor = await cursor.next();
      ids.push(...cursor.map((l: { id: string }) => l.id));
      pages++;
    }
    expect(pages).toBe(5);
    expect(ids).toHaveLength(EXTRA + 2);
    expect(new Set(ids).size).toBe(EXTRA + 2);
    expect(ids.slice(0, 3)).toEqual(["9100", "9101", "9102"]);
    expect(ids.slice(-2)).toEqual(["9002", "9001"]);
    // and back one page
    expect(cursor.hasPrevious()).toBe(true);
    cursor = await cursor.previous();
    expect(cursor.map((l: { id: string }) => l.id)).toEqual(ids.slice(75, 100));
  });

  it("Ad.getLeads applies filtering", async () => {
    const filtering = [{ field: "time_created", operator: "GREATER_THAN", value: TEST_NOW - 10 * 3600 - 1 }];
    const cursor = await new Ad("7001").getLeads(["id", "ad_id"], { filtering, limit: 100 });
    // extra leads with an even index are paid; 0..9 hours back → 9100, 9102, 9104, 9106, 9108
    expect(cursor.map((l: { id: string; ad_id: string }) => [l.id, l.ad_id])).toEqual([
      ["9100", "7001"],
      ["9102", "7001"],
      ["9104", "7001"],
      ["9106", "7001"],
      ["9108", "7001"],
    ]);
    expect(cursor.hasNext()).toBe(false);
  });

  it("Page.getLeadGenForms lists the page's forms", async () => {
    const cursor = await new Page("3001").getLeadGenForms(["id", "name", "status", "leads_count"], { summary: true });
    expect(cursor.map((f: { _data: unknown }) => f._data)).toEqual([
      { id: "8001", name: "Test drive", status: "ACTIVE", leads_count: EXTRA + 2 },
    ]);
    expect(cursor.summary).toEqual({ total_count: 1 });
  });

  it("raises FacebookRequestError with Graph's code for a bad id", async () => {
    const err = await new Lead("123456789").get(["id"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: "FacebookRequestError", status: 400 });
    expect((err as { response: unknown }).response).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" });
    const alias = await new Lead("not-an-id").get(["id"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((alias as { response: { code: number } }).response.code).toBe(803);
  });
});
