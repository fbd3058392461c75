import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { NASTY, exportWorld } from "./support/export-world.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";

const FORM_CREATED = Date.parse("2026-06-01T00:00:00Z") / 1000;
const HEADER = [
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
  "full_name",
  "email",
  "car_make",
  "selected_dealer",
  "optional_1",
];

describe.each(databaseKinds())("lead export (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exportWorld() });
  });
  afterAll(async () => h?.close());
  beforeEach(() => h.clock.set(TEST_NOW * 1000));

  const exp = (query: Record<string, string>, token = "EAAB-page-acme") =>
    h.graph("GET", "/ads/lead_gen/export_csv/", { query: { id: "8001", type: "form", ...query }, token });
  const rows = (body: string, delimiter = "\t"): string[][] => parse(body, { delimiter, relax_column_count: false });

  it("answers a TSV with the header, question and disclaimer columns, newest first", async () => {
    const res = await exp({});
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/tab-separated-values; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="leads-form-8001-2026-06-01-to-2026-11-28.tsv"');
    const table = rows(res.body);
    expect(table[0]).toEqual(HEADER);
    const ids = table.slice(1).map((r) => r[0]);
    expect(ids.indexOf("9002")).toBeLessThan(ids.indexOf("9001"));
    expect(ids[0]).toBe("9500");
    expect(ids).not.toContain("9602");
    const times = table.slice(1).map((r) => r[1]!);
    expect([...times].sort().reverse()).toEqual(times);
    const ad = table.find((r) => r[0] === "9001")!;
    expect(ad).toEqual([
      "9001",
      "2026-11-20T10:00:00+0000",
      "7001",
      "Test drive ad",
      "6001",
      "Spring US",
      "5001",
      "Spring Sale",
      "8001",
      "Test drive",
      "0",
      "fb",
      "Joe Example",
      "",
      "honda",
      "",
      "1",
    ]);
    const organic = table.find((r) => r[0] === "9002")!;
    expect(organic.slice(2, 8)).toEqual(["", "", "", "", "", ""]);
    expect(organic[10]).toBe("1");
    expect(organic[11]).toBe("ig");
    expect(organic[15]).toBe("99213450");
  });

  it("leaves ad columns empty for ad-preview (test) leads and for requesters without advertiser privilege", async () => {
    const table = rows((await exp({})).body);
    const preview = table.find((r) => r[0] === "9601")!;
    expect(preview.slice(2, 8)).toEqual(["", "", "", "", "", ""]);
    const carl = rows((await exp({}, "EAAB-user-carl")).body);
    const forCarl = carl.find((r) => r[0] === "9001")!;
    expect(forCarl.slice(2, 8)).toEqual(["", "", "", "", "", ""]);
    expect(forCarl[10]).toBe("0");
  });

  it("escapes tabs, commas, quotes, line breaks, emoji and right-to-left text in TSV and CSV", async () => {
    for (const [format, delimiter] of [
      ["tsv", "\t"],
      ["csv", ","],
    ] as const) {
      const res = await exp({ format });
      expect(res.status).toBe(200);
      const table = rows(res.body, delimiter);
      for (const [i, text] of NASTY.entries()) {
        const row = table.find((r) => r[0] === String(9500 + i))!;
        expect(row[12]).toBe(text);
        expect(row).toHaveLength(HEADER.length);
      }
    }
    expect((await exp({ format: "csv" })).headers["content-type"]).toBe("text/csv; charset=utf-8");
  });

  it("clamps from_date and to_date as the seed says", async () => {
    const range = async (q: Record<string, string>) => {
      const res = await exp(q);
      expect(res.status).toBe(200);
      return [Number(res.headers["x-leadgraph-export-from"]), Number(res.headers["x-leadgraph-export-to"])];
    };
    // missing from_date → form creation; missing to_date → now
    expect(await range({})).toEqual([FORM_CREATED, TEST_NOW]);
    // from_date before the form's creation → form creation
    expect(await range({ from_date: String(FORM_CREATED - 86_400) })).toEqual([FORM_CREATED, TEST_NOW]);
    // to_date after now → now
    expect(await range({ to_date: String(TEST_NOW + 86_400) })).toEqual([FORM_CREATED, TEST_NOW]);
    // both given and inside: kept
    const inside: [number, number] = [TEST_NOW - 10 * 86_400, TEST_NOW - 86_400];
    expect(await range({ from_date: String(inside[0]), to_date: String(inside[1]) })).toEqual(inside);
    // from before creation with to after now: both clamped
    expect(await range({ from_date: "0", to_date: String(TEST_NOW * 2) })).toEqual([FORM_CREATED, TEST_NOW]);
    // only from given (inside); only to given (inside)
    expect(await range({ from_date: String(inside[0]) })).toEqual([inside[0], TEST_NOW]);
    expect(await range({ to_date: String(inside[1]) })).toEqual([FORM_CREATED, inside[1]]);
    // the clamp follows the clock
    h.clock.advance(3600_000);
    expect(await range({ to_date: String(TEST_NOW * 2) })).toEqual([FORM_CREATED, TEST_NOW + 3600]);
  });

  it("includes exactly the leads inside the range (both ends inclusive)", async () => {
    const t9001 = Date.parse("2026-11-20T10:00:00Z") / 1000;
    const t9002 = Date.parse("2026-11-21T10:00:00Z") / 1000;
    const ids = (b: string) =>
      rows(b)
        .slice(1)
        .map((r) => r[0]);
    expect(ids((await exp({ from_date: String(t9001), to_date: String(t9002) })).body)).toEqual(["9002", "9001"]);
    expect(ids((await exp({ from_date: String(t9001 + 1), to_date: String(t9002) })).body)).toEqual(["9002"]);
    expect(ids((await exp({ from_date: String(t9001), to_date: String(t9002 - 1) })).body)).toEqual(["9001"]);
  });

  it("answers Graph errors for bad ids, types, dates, formats and ranges", async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ id: "" }, 100, /parameter id is required/],
      [{ id: "abc" }, 100, /Param id must be the id of a lead form/],
      [{ id: "123456" }, 100, /Object with ID '123456' does not exist/],
      [{ type: "" }, 100, /parameter type is required/],
      [{ type: "ad" }, 100, /Param type must be one of \{form\} - got "ad"/],
      [{ from_date: "yesterday" }, 100, /from_date must be a POSIX/],
      [{ to_date: "1.5" }, 100, /to_date must be a POSIX/],
      [{ from_date: String(TEST_NOW), to_date: String(TEST_NOW - 10) }, 100, /must not be after to_date/],
      [{ from_date: String(TEST_NOW + 86_400) }, 100, /date range is empty/],
      [{ to_date: String(FORM_CREATED - 10) }, 100, /date range is empty/],
      [{ format: "xlsx" }, 100, /Param format must be one of \{tsv, csv\}/],
    ];
    for (const [q, code, msg] of cases) {
      const res = await exp(q);
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(msg);
      expect(res.body.error.fbtrace_id).toBeTruthy();
    }
  });

  it("applies authentication and permissions as reads do", async () => {
    const none = await h.graph("GET", "/ads/lead_gen/export_csv/", { query: { id: "8001", type: "form" } });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe(104);
    const other = await exp({}, "EAAB-page-other");
    expect(other.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const bob = await exp({}, "EAAB-user-bob");
    expect(bob.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const bearer = await h.app.inject({
      method: "GET",
      url: "/ads/lead_gen/export_csv/?id=8001&type=form&source_type=graph_api",
      headers: { authorization: "Bearer EAAB-page-acme" },
    });
    expect(bearer.statusCode).toBe(200);
    expect(bearer.body.split("\n")[0]).toBe(HEADER.join("\t"));
  });

  it("drops leads as they pass the 90-day retention when the clock moves", async () => {
    const ids = async () =>
      rows((await exp({ from_date: "0" })).body)
        .slice(1)
        .map((r) => r[0]);
    expect(await ids()).toContain("9603");
    expect((await h.graph("GET", "/9603", { token: "EAAB-page-acme" })).status).toBe(200);
    h.clock.advance(3 * 86_400_000);
    expect(await ids()).not.toContain("9603");
    expect((await h.graph("GET", "/9603", { token: "EAAB-page-acme" })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it("expires tokens by the clock", async () => {
    expect((await exp({}, "EAAB-user-ann-short")).status).toBe(200);
    h.clock.advance(3601_000);
    const res = await exp({}, "EAAB-user-ann-short");
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(res.headers["www-authenticate"]).toMatch(/invalid_token/);
  });

  it("counts one export as one call against the page's rate limit", async () => {
    // Earlier reads of this busy page may have left a rate-limit block open: give it back first, so
    // the stored counters show exactly the calls made.
    await h.runtime.services.meter.settle!();
    const before = await h.runtime.leadUsage.buckets("3001", 0);
    const res = await exp({});
    await h.runtime.services.meter.settle!();
    const after = await h.runtime.leadUsage.buckets("3001", 0);
    const sum = (b: { calls: number }[]) => b.reduce((n, x) => n + x.calls, 0);
    expect(sum(after) - sum(before)).toBe(1);
    const buc = JSON.parse(String(res.headers["x-business-use-case-usage"]));
    expect(buc["3001"][0]).toMatchObject({ type: "leadgen", estimated_time_to_regain_access: 0 });
    expect(res.headers["x-app-usage"]).toBeTruthy();
  });
});
