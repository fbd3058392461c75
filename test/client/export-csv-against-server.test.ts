import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphApiError, GraphLeadsClient } from "../../src/client/index.ts";
import type { Lead } from "../../src/contract/index.ts";
import { databaseKinds } from "../support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "../support/harness.ts";
import { exampleWorld } from "../support/worlds.ts";

const ADMIN = "admin-key-for-client-export";
const DAY = 86_400;
const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "+0000");

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe.each(databaseKinds())("GraphLeadsClient.exportCsv against leadgraph's export endpoint (%s)", (kind) => {
  let h: Harness;
  let client: GraphLeadsClient;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(10), config: { adminKey: ADMIN } });
    await h.listen();
    client = new GraphLeadsClient({ accessToken: "EAAB-page-acme", appSecret: "s3cr3t-acme", baseUrl: h.url, retry: { maxRetries: 0 } });
    // Values that break naive CSV: the delimiter, quotes, line breaks, emoji, right-to-left text.
    const leads = [
      {
        ad_id: "7001",
        platform: "ig",
        created_time: iso(TEST_NOW - 3 * DAY),
        field_data: [
          { name: "full_name", values: ['Zoë "Zed" O\'Neil'] },
          { name: "email", values: ["zoe@example.com"] },
        ],
        custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "1" }],
      },
      {
        created_time: iso(TEST_NOW - 2 * DAY),
        field_data: [
          { name: "full_name", values: ["Tab\there, comma, here"] },
          { name: "car_make", values: ["kia"] },
        ],
      },
      {
        ad_id: "7001",
        created_time: iso(TEST_NOW - 2 * DAY + 60),
        field_data: [
          { name: "full_name", values: ["two\nlines 😀"] },
          { name: "email", values: ["مرحبا@example.com"] },
        ],
      },
      { created_time: iso(TEST_NOW - DAY / 2), field_data: [{ name: "full_name", values: ["Recent"] }] },
    ];
    const res = await h.app.inject({
      method: "POST",
      url: "/_leadgraph/admin/forms/8001/leads",
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { leads },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(async () => h?.close());

  /** The same leads through the Graph leads edge; `until` is exclusive there, `to` inclusive in the export. */
  async function graphLeads(from: number, to: number): Promise<Lead[]> {
    const out: Lead[] = [];
    const fields = [
      "id",
      "created_time",
      "ad_id",
      "ad_name",
      "adset_id",
      "adset_name",
      "campaign_id",
      "campaign_name",
      "form_id",
      "is_organic",
      "platform",
      "field_data",
      "custom_disclaimer_responses",
    ];
    for await (const l of client.leads("8001", { since: from, until: to + 1, fields })) out.push(l);
    return out;
  }

  /** The export as the client streams it: Meta's TSV, parsed by a real CSV parser. */
  async function exportRows(from: number, to: number): Promise<{ header: string[]; rows: Record<string, string>[] }> {
    const body = await text(await client.exportCsv("8001", { from, to }));
    const records = parse(body, { delimiter: "\t", relax_column_count: false });
    const header = records[0]!;
    return { header, rows: records.slice(1).map((r) => Object.fromEntries(header.map((k, i) => [k, r[i]!]))) };
  }

  function expectSame(rows: Record<string, string>[], header: string[], leads: Lead[]): void {
    expect(rows.map((r) => r.id)).toEqual(leads.map((l) => l.id));
    for (const [i, lead] of leads.entries()) {
      const row = rows[i]!;
      expect(row, `lead ${lead.id}`).toMatchObject({
        id: lead.id,
        created_time: lead.created_time,
        form_id: "8001",
        platform: lead.platform ?? "",
        is_organic: lead.is_organic ? "1" : "0",
        ad_id: lead.ad_id ?? "",
        ad_name: lead.ad_name ?? "",
        adset_id: lead.adset_id ?? "",
        adset_name: lead.adset_name ?? "",
        campaign_id: lead.campaign_id ?? "",
        campaign_name: lead.campaign_name ?? "",
      });
      const answers = new Map((lead.field_data ?? []).map((f) => [f.name, f.values.join(",")]));
      for (const key of ["full_name", "email", "car_make", "selected_dealer"])
        expect(row[key], `${lead.id} ${key}`).toBe(answers.get(key) ?? "");
      const checked = (lead.custom_disclaimer_responses ?? []).find((c) => c.checkbox_key === "optional_1")?.is_checked;
      expect(row.optional_1).toBe(checked === "1" || checked === "true" ? "1" : "");
    }
    expect(header.slice(0, 12)).toEqual([
      "id",
      "created_time",
      "ad_id",
      "ad_name",
      "adset_id",
      "adset_name",
      "campaign_id",
      "campaign_name",
      "form_id",
      "form_name",
      "is_organic",
      "platform",
    ]);
  }

  it("streams the same leads, in the same order and with the same values, as the leads edge over the same range", async () => {
    const from = TEST_NOW - 4 * DAY;
    const to = TEST_NOW;
    const { header, rows } = await exportRows(from, to);
    const leads = await graphLeads(from, to);
    expect(leads.length).toBeGreaterThanOrEqual(4);
    expectSame(rows, header, leads);
    expect(rows.some((r) => r.full_name === "two\nlines 😀")).toBe(true);
    expect(rows.some((r) => r.full_name === "Tab\there, comma, here")).toBe(true);
  });

  it("narrows to the range asked for, both ends inclusive", async () => {
    const from = TEST_NOW - 2 * DAY;
    const to = TEST_NOW - 2 * DAY + 60;
    const { header, rows } = await exportRows(from, to);
    const leads = await graphLeads(from, to);
    expect(rows.map((r) => r.full_name).sort()).toEqual(["Tab\there, comma, here", "two\nlines 😀"]);
    expectSame(rows, header, leads);
  });

  it("answers a bad range and a foreign form with a typed GraphApiError", async () => {
    const future = await client.exportCsv("8001", { from: TEST_NOW + DAY }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(future).toBeInstanceOf(GraphApiError);
    expect(future).toMatchObject({ status: 400, code: 100 });
    const foreign = await client.exportCsv("8002").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(foreign).toBeInstanceOf(GraphApiError);
    expect((foreign as GraphApiError).status).toBeGreaterThanOrEqual(400);
  });
});
