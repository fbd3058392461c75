import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../src/world/load-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { DAY, readWorld, visibleLeadCount } from "./support/read-world.ts";

const EXTRA = 60;
const PAGE = "EAAB-page-acme";
const ALL_LEAD_FIELDS =
  "id,created_time,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,field_data,custom_disclaimer_responses,is_organic,platform,partner_name,retailer_item_id";

const expectedOrder = (): string[] => [...Array.from({ length: EXTRA }, (_, i) => String(9100 + i)), "9002", "9001", "9903"];

describe.each(databaseKinds())("Graph lead reads (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: readWorld(EXTRA) });
  });
  afterAll(async () => h?.close());

  const get = (path: string, query: Record<string, string> = {}, token = PAGE) => h.graph("GET", path, { query, token });
  const qs = (link: string) => Object.fromEntries(new URL(link).searchParams);
  const follow = async (link: string) => {
    const u = new URL(link);
    expect(u.origin).toBe("http://leadgraph.test");
    const res = await h.graph("GET", u.pathname, { query: Object.fromEntries(u.searchParams) });
    expect(res.status).toBe(200);
    return res.body;
  };

  describe("GET /{lead-id}", () => {
    it("answers every Lead field we hold", async () => {
      const res = await get("/9903", { fields: ALL_LEAD_FIELDS }, "EAAB-user-ann");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: "9903",
        created_time: "2026-08-31T12:00:00+0000",
        ad_id: "7001",
        ad_name: "Test drive ad",
        adset_id: "6001",
        adset_name: "Spring US",
        campaign_id: "5001",
        campaign_name: "Spring Sale",
        form_id: "8001",
        field_data: [
          { name: "utm_source", values: ["fb"] },
          { name: "email", values: ["edge@example.com"] },
        ],
        custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "" }],
        is_organic: false,
        platform: "ig",
        partner_name: "Acme Partner",
        retailer_item_id: "sku-1",
      });
      expect(Object.keys(res.body)).toEqual(ALL_LEAD_FIELDS.split(","));
    });

    it("answers the seed document's default fields in its order", async () => {
      const res = await get("/9001");
      expect(Object.keys(res.body)).toEqual(["created_time", "id", "ad_id", "form_id", "field_data"]);
      expect(res.body.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    });

    it("omits ad fields (never null) for organic leads", async () => {
      const res = await get("/9002", { fields: ALL_LEAD_FIELDS });
      expect(res.status).toBe(200);
      for (const f of ["ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name"])
        expect(res.body).not.toHaveProperty(f);
      expect(res.body.is_organic).toBe(true);
      expect(res.body).not.toHaveProperty("partner_name");
      const dflt = await get("/9002");
      expect(Object.keys(dflt.body)).toEqual(["created_time", "id", "form_id", "field_data"]);
    });

    it.each(["EAAB-user-carl", "EAAB-user-dana"])("omits ad fields for a caller without ADVERTISER on the account (%s)", async (token) => {
      const res = await get("/9001", { fields: ALL_LEAD_FIELDS }, token);
      expect(res.status).toBe(200);
      expect(res.body.form_id).toBe("8001");
      for (const f of ["ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name"])
        expect(res.body).not.toHaveProperty(f);
      const ann = await get("/9001", { fields: "ad_id" }, "EAAB-user-ann");
      expect(ann.body).toEqual({ ad_id: "7001", id: "9001" });
    });

    it("expands the ad (ad{name}) only where ad fields are visible", async () => {
      const res = await get("/9001", { fields: "id,ad{name,status}" }, "EAAB-user-ann");
      expect(res.body).toEqual({ id: "9001", ad: { name: "Test drive ad", status: "ACTIVE", id: "7001" } });
      const carl = await get("/9001", { fields: "id,ad{name}" }, "EAAB-user-carl");
      expect(carl.body).toEqual({ id: "9001" });
      const organic = await get("/9002", { fields: "ad{name}" });
      expect(organic.body).toEqual({ id: "9002" });
      const bad = await get("/9001", { fields: "ad{nope}" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe("(#100) Tried accessing nonexisting field (nope) on node type (Ad)");
    });

    it("treats a lead past the 90-day retention as a missing object (100/33)", async () => {
      for (const id of ["9901", "9902"]) {
        const res = await get(`/${id}`);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" });
        expect(res.body.error.message).toContain(`Object with ID '${id}' does not exist`);
      }
    });

    it("names a nonexisting field", async () => {
      const res = await get("/9001", { fields: "id,bogus" });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 100,
        type: "OAuthException",
        message: "(#100) Tried accessing nonexisting field (bogus) on node type (Lead)",
      });
    });

    it("answers a fields syntax error with 2500", async () => {
      const res = await get("/9001", { fields: "id,ad{name" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(2500);
      expect(res.body.error.message).toMatch(/^Syntax error "Expected/);
    });
  });

  describe("GET /{form-id}/leads and /{ad-id}/leads", () => {
    it("pages newest first with limit 25 by default and walks every page via next, then back via previous", async () => {
      const first = await get("/v25.0/8001/leads", { fields: "id,created_time", filtering: "[]", sdk: "x" });
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(25);
      expect(first.body.paging.previous).toBeUndefined();
      const next = qs(first.body.paging.next);
      expect(next).toMatchObject({
        access_token: PAGE,
        fields: "id,created_time",
        filtering: "[]",
        sdk: "x",
        after: first.body.paging.cursors.after,
      });
      expect(new URL(first.body.paging.next).pathname).toBe("/v25.0/8001/leads");
      const seen: string[] = first.body.data.map((l: { id: string }) => l.id);
      const pages = [first.body];
      let page = first.body;
      while (page.paging.next) {
        page = await follow(page.paging.next);
        pages.push(page);
        seen.push(...page.data.map((l: { id: string }) => l.id));
      }
      expect(seen).toEqual(expectedOrder());
      expect(seen).toHaveLength(visibleLeadCount(EXTRA));
      const times = pages.flatMap((p) => p.data.map((l: { created_time: string }) => Date.parse(l.created_time.replace("+0000", "Z"))));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(page.paging.next).toBeUndefined();
      expect(page.paging.previous).toBeDefined();
      // walk back from the last page to the first
      const back: string[][] = [page.data.map((l: { id: string }) => l.id)];
      while (page.paging.previous) {
        page = await follow(page.paging.previous);
        back.unshift(page.data.map((l: { id: string }) => l.id));
      }
      expect(back.flat()).toEqual(expectedOrder());
      expect(back[0]).toEqual(first.body.data.map((l: { id: string }) => l.id));
    });

    it("caps limit at the maximum page size and refuses nonsense limits", async () => {
      const big = await get("/8001/leads", { limit: "5000", fields: "id" });
      expect(big.status).toBe(200);
      expect(big.body.data).toHaveLength(visibleLeadCount(EXTRA));
      expect(big.body.paging.next).toBeUndefined();
      for (const limit of ["abc", "-1", "0", "1.5", "99999999999"]) {
        const res = await get("/8001/leads", { limit });
        expect(res.status, limit).toBe(400);
        expect(res.body.error.code).toBe(100);
        expect(res.body.error.message).toContain("limit");
      }
    });

    it("accepts before/after cursors directly", async () => {
      const p1 = await get("/8001/leads", { limit: "10", fields: "id" });
      const p2 = await get("/8001/leads", { limit: "10", fields: "id", after: p1.body.paging.cursors.after });
      expect(p2.body.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(10, 20));
      const back = await get("/8001/leads", { limit: "10", fields: "id", before: p2.body.paging.cursors.before });
      expect(back.body.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(0, 10));
    });

    it("refuses forged, altered and foreign cursors with (#100)", async () => {
      const p1 = await get("/8001/leads", { limit: "5" });
      const cursor: string = p1.body.paging.cursors.after;
      const altered = cursor.slice(0, -2) + (cursor.endsWith("A") ? "BB" : "AA");
      const forged = "TEc" + Buffer.from(JSON.stringify([TEST_NOW, "9100"])).toString("base64url");
      const foreignAd = await get("/7001/leads", { after: cursor });
      const foreignFilter = await get("/8001/leads", {
        after: cursor,
        filtering: JSON.stringify([{ field: "time_created", operator: "GREATER_THAN", value: 1 }]),
      });
      for (const res of [
        await get("/8001/leads", { after: altered }),
        await get("/8001/leads", { after: forged }),
        await get("/8001/leads", { before: "QVFIUjunk" }),
        foreignAd,
        foreignFilter,
      ]) {
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 100, type: "OAuthException" });
        expect(res.body.error.message).toMatch(/cursor/);
      }
    });

    it("filters on time_created with every operator, numbers and numeric strings, combined", async () => {
      const ids = async (filtering: unknown[]) => {
        const res = await get("/8001/leads", { fields: "id", limit: "500", filtering: JSON.stringify(filtering) });
        expect(res.status).toBe(200);
        return res.body.data.map((l: { id: string }) => l.id) as string[];
      };
      const t9100 = TEST_NOW - 3600;
      expect(await ids([{ field: "time_created", operator: "GREATER_THAN", value: t9100 - 1 }])).toEqual(["9100"]);
      expect(await ids([{ field: "time_created", operator: "GREATER_THAN", value: String(t9100) }])).toEqual([]);
      expect(await ids([{ field: "time_created", operator: "GREATER_THAN_OR_EQUAL", value: t9100 - 3600 }])).toEqual(["9100", "9101"]);
      const lt = await ids([{ field: "time_created", operator: "LESS_THAN", value: String(TEST_NOW - 7 * DAY) }]);
      expect(lt).toEqual(["9002", "9001", "9903"]);
      const both = await ids([
        { field: "time_created", operator: "GREATER_THAN_OR_EQUAL", value: TEST_NOW - 5 * 3600 },
        { field: "time_created", operator: "LESS_THAN", value: TEST_NOW - 2 * 3600 },
      ]);
      expect(both).toEqual(["9102", "9103", "9104"]);
      // a filter can never reach past retention
      expect(await ids([{ field: "time_created", operator: "LESS_THAN", value: TEST_NOW - 89 * DAY + 1 }])).toEqual(["9903"]);
    });

    it("keeps the filter on every paging link", async () => {
      const filtering = JSON.stringify([{ field: "time_created", operator: "GREATER_THAN", value: TEST_NOW - 20 * 3600 }]);
      const p1 = await get("/8001/leads", { fields: "id", limit: "8", filtering });
      expect(qs(p1.body.paging.next).filtering).toBe(filtering);
      const p2 = await follow(p1.body.paging.next);
      expect(p2.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(8, 16));
      const p3 = await follow(p2.paging.next);
      expect(p3.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(16, 19));
      expect(p3.paging.next).toBeUndefined();
    });

    it.each([
      ["not json", "{", /JSON/],
      ["an object", '{"field":"time_created"}', /array/],
      ["a clause that is not an object", "[1]", /filtering\[0\]/],
      ["another field", JSON.stringify([{ field: "email", operator: "LESS_THAN", value: 1 }]), /filtering\[0\]\[field\].*time_created/],
      [
        "another operator",
        JSON.stringify([{ field: "time_created", operator: "EQUAL", value: 1 }]),
        /filtering\[0\]\[operator\].*LESS_THAN/,
      ],
      [
        "a non-numeric value",
        JSON.stringify([{ field: "time_created", operator: "LESS_THAN", value: "yesterday" }]),
        /filtering\[0\]\[value\]/,
      ],
      ["an unknown key", JSON.stringify([{ field: "time_created", operator: "LESS_THAN", value: 1, x: 1 }]), /Invalid keys "x"/],
    ])("refuses a malformed filter (%s) with (#100) naming the problem", async (_name, filtering, message) => {
      const res = await get("/8001/leads", { filtering });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(100);
      expect(res.body.error.message).toMatch(/^\(#100\)/);
      expect(res.body.error.message).toMatch(message);
    });

    it("adds summary.total_count with summary=true", async () => {
      const res = await get("/8001/leads", { summary: "true", limit: "1" });
      expect(res.body.summary).toEqual({ total_count: visibleLeadCount(EXTRA) });
      const filtered = await get("/8001/leads", {
        summary: "1",
        limit: "1",
        filtering: JSON.stringify([{ field: "time_created", operator: "LESS_THAN", value: TEST_NOW - 7 * DAY }]),
      });
      expect(filtered.body.summary).toEqual({ total_count: 3 });
      const none = await get("/8001/leads", { limit: "1" });
      expect(none.body).not.toHaveProperty("summary");
    });

    it("reads an ad's leads with ad fields", async () => {
      const res = await get("/7001/leads", { fields: "id,ad_id,campaign_name", limit: "100", summary: "true" }, "EAAB-user-ann");
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(EXTRA / 2 + 2);
      expect(res.body.summary.total_count).toBe(EXTRA / 2 + 2);
      expect(res.body.data[0]).toEqual({ id: "9100", ad_id: "7001", campaign_name: "Spring Sale" });
      expect(res.body.data.at(-1)).toEqual({ id: "9903", ad_id: "7001", campaign_name: "Spring Sale" });
    });

    it("hides another page's leads behind 100/33", async () => {
      for (const path of ["/8001/leads", "/7001/leads", "/8001"]) {
        const res = await get(path, {}, "EAAB-page-other");
        expect(res.status, path).toBe(400);
        expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33 });
      }
    });
  });

  describe("forms, pages, ads", () => {
    it("GET /{form-id} answers spec §3.1 fields", async () => {
      const res = await get("/8001", {
        fields:
          "id,name,status,locale,created_time,questions,leads_count,expired_leads_count,organic_leads_count,page,page_id,privacy_policy_url,tracking_parameters,legal_content",
      });
      expect(res.status).toBe(200);
      const b = res.body;
      expect(b).toMatchObject({
        id: "8001",
        name: "Test drive",
        status: "ACTIVE",
        locale: "en_US",
        created_time: "2026-06-01T00:00:00+0000",
        leads_count: visibleLeadCount(EXTRA) + 2,
        expired_leads_count: 2,
        organic_leads_count: EXTRA / 2 + 2,
        page: { name: "Acme Cars", id: "3001" },
        page_id: "3001",
        privacy_policy_url: "https://acme.example/privacy",
        tracking_parameters: [{ key: "utm_source", value: "fb" }],
      });
      expect(b.questions.map((q: { key: string; type: string }) => [q.key, q.type])).toEqual([
        ["full_name", "FULL_NAME"],
        ["email", "EMAIL"],
        ["car_make", "CUSTOM"],
        ["selected_dealer", "STORE_LOOKUP"],
      ]);
      expect(b.questions[2]).toMatchObject({
        label: "Which car?",
        options: [
          { key: "honda", value: "Honda" },
          { key: "kia", value: "Kia" },
        ],
      });
      for (const q of b.questions) expect(q.id).toMatch(/^\d+$/);
      const dflt = await get("/8001");
      expect(dflt.body).toEqual({ id: "8001", locale: "en_US", name: "Test drive", status: "ACTIVE" });
    });

    it("GET /{page-id} and /{page-id}/leadgen_forms (paged)", async () => {
      const page = await get("/3001", { fields: "id,name,category" });
      expect(page.body).toEqual({ id: "3001", name: "Acme Cars", category: "Car Dealership" });
      expect((await get("/3001")).body).toEqual({ name: "Acme Cars", id: "3001" });
      const forms = await get("/3001/leadgen_forms", { fields: "id,name,leads_count", summary: "true" });
      expect(forms.status).toBe(200);
      expect(forms.body.data).toEqual([{ id: "8001", name: "Test drive", leads_count: visibleLeadCount(EXTRA) + 2 }]);
      expect(forms.body.summary).toEqual({ total_count: 1 });
      expect(forms.body.paging.cursors.after).toBeTypeOf("string");
      expect(forms.body.paging.next).toBeUndefined();
    });

    it("GET /{ad-id}", async () => {
      const res = await get("/7001", { fields: "id,name,adset_id,campaign_id,status" }, "EAAB-user-ann");
      expect(res.body).toEqual({ id: "7001", name: "Test drive ad", adset_id: "6001", campaign_id: "5001", status: "ACTIVE" });
    });

    it("expands edges as fields with nested paging", async () => {
      const res = await get("/3001", { fields: "leadgen_forms{id,name,leads.limit(5){id,field_data}}" });
      expect(res.status).toBe(200);
      const form = res.body.leadgen_forms.data[0];
      expect(res.body.id).toBe("3001");
      expect(form.id).toBe("8001");
      expect(form.leads.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(0, 5));
      expect(Object.keys(form.leads.data[0])).toEqual(["id", "field_data"]);
      const next = new URL(form.leads.paging.next);
      expect(next.pathname).toBe("/v25.0/8001/leads");
      expect(qs(form.leads.paging.next)).toMatchObject({ access_token: PAGE, limit: "5", fields: "id,field_data" });
      let page = await follow(form.leads.paging.next);
      expect(page.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(5, 10));
      page = await follow(page.paging.previous);
      expect(page.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(0, 5));
      // a nested `after` modifier continues from a cursor
      const after = await get("/8001", { fields: `leads.limit(3).after(${form.leads.paging.cursors.after}){id}` });
      expect(after.body.leads.data.map((l: { id: string }) => l.id)).toEqual(expectedOrder().slice(5, 8));
    });

    it("refuses unknown modifiers and fields inside an expansion", async () => {
      const res = await get("/3001", { fields: "leadgen_forms{leads.bogus(1)}" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(100);
      const f = await get("/3001", { fields: "leadgen_forms{nope}" });
      expect(f.body.error.message).toBe("(#100) Tried accessing nonexisting field (nope) on node type (LeadgenForm)");
    });
  });

  describe("multi-id and batch", () => {
    it("GET /?ids=a,b answers an object keyed by id", async () => {
      const res = await get("/", { ids: "9001,8001", fields: "id" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ 9001: { id: "9001" }, 8001: { id: "8001" } });
    });

    it("answers 803 naming unknown ids", async () => {
      const res = await get("/", { ids: "9001,123456789,abc" });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 803, type: "OAuthException" });
      expect(res.body.error.message).toBe("(#803) Some of the aliases you requested do not exist: 123456789,abc");
      const nonNumeric = await get("/not-an-id");
      expect(nonNumeric.body.error.code).toBe(803);
    });

    it("runs a batch with per-operation answers and tokens", async () => {
      const batch = [
        { method: "GET", relative_url: "9001?fields=id,form_id" },
        { method: "GET", relative_url: "v25.0/99999?fields=id" },
        { method: "GET", relative_url: "8002?fields=id", body: "access_token=EAAB-page-other" },
        { method: "GET", relative_url: "8001/leads?limit=2&fields=id" },
      ];
      const res = await h.graph("POST", "/", { body: { batch: JSON.stringify(batch), access_token: PAGE } });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(4);
      expect(res.body[0].code).toBe(200);
      expect(JSON.parse(res.body[0].body)).toEqual({ id: "9001", form_id: "8001" });
      expect(res.body[0].headers).toContainEqual({ name: "Content-Type", value: "text/javascript; charset=UTF-8" });
      expect(res.body[1].code).toBe(400);
      expect(JSON.parse(res.body[1].body).error).toMatchObject({ code: 100, error_subcode: 33 });
      expect(JSON.parse(res.body[2].body)).toEqual({ id: "8002" });
      expect(JSON.parse(res.body[3].body).data).toHaveLength(2);
    });

    it("refuses more than 50 operations and malformed batches", async () => {
      const ops = Array.from({ length: 51 }, () => ({ method: "GET", relative_url: "9001" }));
      const res = await h.graph("POST", "/", { body: { batch: JSON.stringify(ops), access_token: PAGE } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("50");
      for (const batch of ["nope", "{}", "[]", "[1]", '[{"method":"PUT","relative_url":"9001"}]', '[{"method":"GET"}]']) {
        const r = await h.graph("POST", "/", { body: { batch, access_token: PAGE } });
        expect(r.status, batch).toBe(400);
        expect(r.body.error.code, batch).toBe(100);
      }
    });
  });

  it("keeps retention in step with the clock", async () => {
    h.clock.set((TEST_NOW + 2 * DAY) * 1000);
    try {
      const res = await get("/9903");
      expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33 });
      const form = await get("/8001", { fields: "expired_leads_count" });
      expect(form.body.expired_leads_count).toBe(3);
    } finally {
      h.clock.set(TEST_NOW * 1000);
    }
  });

  it("pages /{page-id}/leadgen_forms newest first across pages (runs last: it adds forms)", async () => {
    await loadWorld(h.runtime.services, {
      forms: [1, 2, 3, 4].map((i) => ({
        id: String(8100 + i),
        page_id: "3001",
        name: `Extra ${i}`,
        status: i === 4 ? ("ARCHIVED" as const) : ("ACTIVE" as const),
        created_time: `2026-07-0${i}T00:00:00+0000`,
        questions: [{ type: "EMAIL" }],
      })),
    });
    const seen: string[] = [];
    let page = (await get("/3001/leadgen_forms", { fields: "id", limit: "2", summary: "true" })).body;
    expect(page.summary).toEqual({ total_count: 5 });
    seen.push(...page.data.map((f: { id: string }) => f.id));
    while (page.paging.next) {
      page = await follow(page.paging.next);
      seen.push(...page.data.map((f: { id: string }) => f.id));
    }
    expect(seen).toEqual(["8104", "8103", "8102", "8101", "8001"]);
    const back = await follow(page.paging.previous);
    expect(back.data.map((f: { id: string }) => f.id)).toEqual(["8102", "8101"]);
  });
});
