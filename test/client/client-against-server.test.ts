import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphApiError, GraphLeadsClient } from "../../src/client/index.ts";
import { databaseKinds } from "../support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "../support/harness.ts";
import { exampleWorld } from "../support/worlds.ts";

describe.each(databaseKinds())("GraphLeadsClient against leadgraph (%s)", (kind) => {
  let h: Harness;
  let client: GraphLeadsClient;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(60) });
    await h.listen();
    client = new GraphLeadsClient({ accessToken: "EAAB-page-acme", appSecret: "s3cr3t-acme", baseUrl: h.url, retry: { maxRetries: 0 } });
  });
  afterAll(async () => h?.close());

  it("reads one lead with the fields asked for", async () => {
    const lead = await client.getLead("9001", {
      fields: ["id", "form_id", "ad_id", "campaign_name", "field_data", "custom_disclaimer_responses"],
    });
    expect(lead).toEqual({
      id: "9001",
      form_id: "8001",
      ad_id: "7001",
      campaign_name: "Spring Sale",
      field_data: [
        { name: "utm_source", values: ["fb"] },
        { name: "full_name", values: ["Joe Example"] },
        { name: "car_make", values: ["honda"] },
      ],
      custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "1" }],
    });
  });

  it("follows cursors past the first page to every lead of the form", async () => {
    let pages = 0;
    const ids: string[] = [];
    for await (const l of client.leads("8001", { pageSize: 7, fields: ["id", "created_time"], onPage: () => pages++ })) ids.push(l.id);
    expect(ids).toHaveLength(62);
    expect(new Set(ids).size).toBe(62);
    expect(pages).toBe(9);
  });

  it("turns since/until into time_created filtering", async () => {
    // Extra leads are created hourly before TEST_NOW: lead 9100+i at TEST_NOW - 3600*(i+1); since is
    // inclusive (9109 sits on it), until exclusive (9101 sits on it).
    const since = TEST_NOW - 3600 * 10;
    const until = TEST_NOW - 3600 * 2;
    const ids: string[] = [];
    for await (const l of client.leads("8001", { since, until, fields: ["id"] })) ids.push(l.id);
    expect(ids.sort()).toEqual(["9102", "9103", "9104", "9105", "9106", "9107", "9108", "9109"]);
  });

  it("lists the page's forms", async () => {
    const forms = [];
    for await (const f of client.forms("3001")) forms.push(f);
    expect(forms.map((f) => f.id)).toEqual(["8001"]);
    expect(forms[0]).toMatchObject({ name: "Test drive", status: "ACTIVE" });
  });

  it("turns Graph errors into typed GraphApiErrors without retrying them", async () => {
    const retries: number[] = [];
    const c = new GraphLeadsClient({ accessToken: "EAAB-page-other", baseUrl: h.url, onRetry: (e) => retries.push(e.attempt) });
    const err = await c.getLead("9001").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err).toMatchObject({ status: 400, code: 100, subcode: 33, type: "GraphMethodException", retryable: false });
    expect((err as GraphApiError).fbtraceId).toBeTruthy();
    const bad = new GraphLeadsClient({ accessToken: "nonsense-token", baseUrl: h.url });
    await expect(bad.getLead("9001")).rejects.toMatchObject({ code: 190, isTokenError: true });
    expect(retries).toEqual([]);
  });
});
