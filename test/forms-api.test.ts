import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUESTION_TYPES } from "../src/domain/forms/question-types.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld, SCOPES } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";
const OTHER = "EAAB-page-other";

const FULL_FORM = {
  name: "Everything form",
  locale: "DE_DE",
  questions: [
    { type: "FULL_NAME" },
    { type: "EMAIL" },
    { type: "PHONE", inline_context: "We call once" },
    {
      type: "CUSTOM",
      key: "budget",
      label: "Your budget?",
      options: [
        { key: "low", value: "Low" },
        { key: "high", value: "High" },
      ],
    },
    { type: "STORE_LOOKUP", key: "dealer", context_provider_type: "LOCATION_MANAGER" },
    { type: "DATE_TIME", key: "visit", inline_context: "Pick a slot" },
    { type: "ID_CPF" },
  ],
  privacy_policy: { url: "https://acme.example/privacy", link_text: "Privacy" },
  custom_disclaimer: {
    title: "Terms",
    body: { text: "We may call you." },
    checkboxes: [
      { key: "terms", text: "I agree", is_required: true },
      { key: "news", text: "Newsletter", is_required: false, is_checked_by_default: true },
    ],
  },
  context_card: { title: "Hello", style: "LIST_STYLE", content: ["Fast", "Free"], button_text: "Go" },
  thank_you_page: {
    title: "Thanks",
    body: "We'll be in touch",
    button_type: "VIEW_WEBSITE",
    button_text: "Visit",
    website_url: "https://acme.example",
  },
  tracking_parameters: { utm_source: "leadgraph", campaign: "x1" },
  block_display_for_non_targeted_viewer: true,
  is_optimized_for_quality: true,
  question_page_custom_headline: "Tell us about you",
  follow_up_action_url: "https://acme.example/follow",
};

function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = "----leadgraphBoundary7MA4YWxk";
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return { body: `${parts.join("")}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(databaseKinds())("lead forms and test leads API (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    const world = exampleWorld();
    // A second app used by the same person: it may read the test lead but not delete it.
    world.apps!.push({ id: "1002", name: "Other CRM", secret: "s3cr3t-other", mode: "live" } as never);
    world.tokens!.push({
      token: "EAAB-user-ann-app2",
      type: "USER",
      app_id: "1002",
      user_id: "2001",
      scopes: SCOPES,
      expires_at: null,
    } as never);
    h = await startHarness(kind, { world });
  });
  afterAll(async () => h?.close());

  const create = (body: unknown, token = PAGE) => h.graph("POST", "/v25.0/3001/leadgen_forms", { token, body });
  const expectError = (res: { status: number; body: any }, message: string) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, type: "OAuthException", message });
  };

  it("creates a form from a JSON body with every parameter and reads every part back", async () => {
    const res = await create(FULL_FORM);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["id"]);
    expect(res.body.id).toMatch(/^\d{15,18}$/);
    const fields =
      "id,name,status,locale,questions,privacy_policy_url,legal_content,context_card,thank_you_page,tracking_parameters,block_display_for_non_targeted_viewer,is_optimized_for_quality,question_page_custom_headline,follow_up_action_url,leads_count,organic_leads_count,page";
    const read = await h.graph("GET", `/${res.body.id}`, { token: PAGE, query: { fields } });
    expect(read.status).toBe(200);
    const f = read.body;
    expect(f).toMatchObject({
      name: "Everything form",
      status: "ACTIVE",
      locale: "de_DE",
      privacy_policy_url: "https://acme.example/privacy",
      tracking_parameters: [
        { key: "utm_source", value: "leadgraph" },
        { key: "campaign", value: "x1" },
      ],
      block_display_for_non_targeted_viewer: true,
      is_optimized_for_quality: true,
      question_page_custom_headline: "Tell us about you",
      follow_up_action_url: "https://acme.example/follow",
      leads_count: 0,
      organic_leads_count: 0,
      page: { name: "Acme Cars", id: "3001" },
      context_card: { title: "Hello", style: "LIST_STYLE", content: ["Fast", "Free"], button_text: "Go" },
      thank_you_page: {
        title: "Thanks",
        body: "We'll be in touch",
        button_type: "VIEW_WEBSITE",
        button_text: "Visit",
        website_url: "https://acme.example",
        enable_messenger: false,
      },
    });
    expect(f.questions.map((q: any) => [q.key, q.type])).toEqual([
      ["full_name", "FULL_NAME"],
      ["email", "EMAIL"],
      ["phone_number", "PHONE"],
      ["budget", "CUSTOM"],
      ["dealer", "STORE_LOOKUP"],
      ["visit", "DATE_TIME"],
      ["id_cpf", "ID_CPF"],
    ]);
    expect(f.questions[2].inline_context).toBe("We call once");
    expect(f.questions[3].options).toEqual([
      { key: "low", value: "Low" },
      { key: "high", value: "High" },
    ]);
    expect(f.legal_content.privacy_policy).toEqual({ url: "https://acme.example/privacy", link_text: "Privacy" });
    expect(f.legal_content.custom_disclaimer.checkboxes.map((c: any) => [c.key, c.is_required, c.is_checked_by_default])).toEqual([
      ["terms", true, false],
      ["news", false, true],
    ]);
    const list = await h.graph("GET", "/3001/leadgen_forms", { token: PAGE });
    expect(list.body.data.map((x: any) => x.id)).toContain(res.body.id);
  });

  it("accepts urlencoded bodies with JSON-text values (the Python SDK's encoding)", async () => {
    const body = new URLSearchParams({
      name: "Urlencoded",
      questions: JSON.stringify([{ type: "EMAIL" }, { type: "FULL_NAME" }]),
      tracking_parameters: JSON.stringify({ a: "1" }),
      is_optimized_for_quality: "true",
    }).toString();
    const res = await h.graph("POST", "/3001/leadgen_forms", {
      token: PAGE,
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    const read = await h.graph("GET", `/${res.body.id}`, {
      token: PAGE,
      query: { fields: "questions,tracking_parameters,is_optimized_for_quality" },
    });
    expect(read.body.questions.map((q: any) => q.key)).toEqual(["email", "full_name"]);
    expect(read.body.tracking_parameters).toEqual([{ key: "a", value: "1" }]);
    expect(read.body.is_optimized_for_quality).toBe(true);
  });

  it("accepts urlencoded bracket keys and multipart bodies (curl -F)", async () => {
    const bracket = "name=Brackets&questions[0][type]=EMAIL&questions[1][type]=CUSTOM&questions[1][label]=Your%20car%3F";
    const a = await h.graph("POST", "/3001/leadgen_forms", {
      token: PAGE,
      body: bracket,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(a.status).toBe(200);
    const readA = await h.graph("GET", `/${a.body.id}`, { token: PAGE, query: { fields: "questions" } });
    expect(readA.body.questions.map((q: any) => q.key)).toEqual(["email", "your_car?"]);
    const mp = multipart({ name: "Multipart", questions: JSON.stringify([{ type: "PHONE" }]), access_token: PAGE });
    const b = await h.app.inject({
      method: "POST",
      url: "/v25.0/3001/leadgen_forms",
      payload: mp.body,
      headers: { "content-type": mp.contentType },
    });
    expect(b.statusCode).toBe(200);
    const id = JSON.parse(b.body).id;
    const readB = await h.graph("GET", `/${id}`, { token: PAGE, query: { fields: "name,questions" } });
    expect(readB.body.name).toBe("Multipart");
    expect(readB.body.questions[0].key).toBe("phone_number");
  });

  it("answers Meta's validation messages", async () => {
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }, { type: "EMAIL", key: "e2" }, { type: "PHONE" }, { type: "NOPE" }] }),
      `(#100) Param questions[3][type] must be one of {${QUESTION_TYPES.join(", ")}} - got "NOPE".`,
    );
    expectError(await create({ questions: [{ type: "EMAIL" }] }), "(#100) The parameter name is required.");
    expectError(await create({ name: "x" }), "(#100) The parameter questions is required.");
    expectError(
      await create({
        name: "x",
        questions: [{ type: "EMAIL" }, { type: "PHONE" }, { type: "CITY" }, { type: "ZIP" }, { type: "STATE", a: 1 }],
      }),
      '(#100) Invalid keys "a" were found in param "questions[4]".',
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL", a: 1, b: 2 }] }),
      '(#100) Invalid keys "a, b" were found in param "questions[0]".',
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }, { type: "EMAIL" }] }),
      '(#100) Param questions[1][key] duplicates the key "email"',
    );
    expectError(
      await create({ name: "x", questions: [{ type: "ID_CPF" }, { type: "ID_AR_DNI" }] }),
      "(#100) Param questions[1][type] a form can have only one national ID question",
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], context_card: { title: "t" } }),
      "(#100) Context card style is not provided",
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], context_card: { style: "FANCY" } }),
      '(#100) Param context_card[style] must be one of {LIST_STYLE, PARAGRAPH_STYLE} - got "FANCY".',
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], thank_you_page: { title: "t" } }),
      "(#100) The parameter thank_you_page[button_type] is required.",
    );
    expectError(
      await create({
        name: "x",
        questions: [{ type: "EMAIL" }],
        thank_you_page: { button_type: "VIEW_WEBSITE", website_url: "https://a.example" },
      }),
      "(#100) Button text is missing for Thank You Page",
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], thank_you_page: { button_type: "VIEW_WEBSITE", button_text: "Go" } }),
      "(#100) The parameter thank_you_page[website_url] is required.",
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], thank_you_page: { button_type: "LAUNCH" } }),
      expect.stringContaining("(#100) Param thank_you_page[button_type] must be one of {VIEW_WEBSITE,"),
    );
    expectError(
      await create({ name: "x", questions: [{ type: "EMAIL" }], locale: "xx_YY" }),
      expect.stringContaining("(#100) Param locale must be one of {AR_AR, "),
    );
    expectError(
      await create({
        name: "x",
        questions: [{ type: "EMAIL" }],
        custom_disclaimer: {
          checkboxes: [
            { key: "a", text: "t" },
            { key: "a", text: "u" },
          ],
        },
      }),
      '(#100) Param custom_disclaimer[checkboxes][1][key] duplicates the checkbox key "a"',
    );
    expectError(await create({ name: "x", questions: "[not json" }), "(#100) Param questions must be valid JSON");
    // A thank-you page with button NONE needs no text.
    expect((await create({ name: "x", questions: [{ type: "EMAIL" }], thank_you_page: { button_type: "NONE" } })).status).toBe(200);
  });

  it("answers the requested fields on create (read-after-write)", async () => {
    const res = await h.graph("POST", "/3001/leadgen_forms", {
      token: PAGE,
      query: { fields: "id,name,status,locale" },
      body: { name: "RAW", questions: [{ type: "EMAIL" }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: "RAW", status: "ACTIVE", locale: "en_US" });
  });

  it("refuses STORE_LOOKUP on a page without store locations", async () => {
    const res = await h.graph("POST", "/3002/leadgen_forms", { token: OTHER, body: { name: "x", questions: [{ type: "STORE_LOOKUP" }] } });
    expectError(res, "(#100) Param questions[0][type] needs a Page with store locations (STORE_LOOKUP on a Page without locations)");
  });

  it("refuses callers who cannot advertise on the page", async () => {
    const res = await h.graph("POST", "/3001/leadgen_forms", { token: OTHER, body: { name: "x", questions: [{ type: "EMAIL" }] } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it("archives and re-activates a form; DELETE is unsupported like Meta", async () => {
    const {
      body: { id },
    } = await create({ name: "Archivable", questions: [{ type: "EMAIL" }] });
    const lead = await h.graph("POST", `/${id}/test_leads`, { token: PAGE });
    expect(lead.status).toBe(200);
    const arch = await h.graph("POST", `/${id}`, { token: PAGE, body: { status: "ARCHIVED" } });
    expect(arch).toMatchObject({ status: 200, body: { success: true } });
    expect((await h.graph("GET", `/${id}`, { token: PAGE, query: { fields: "status" } })).body.status).toBe("ARCHIVED");
    // Leads stay readable; new ones are refused.
    const leads = await h.graph("GET", `/${id}/leads`, { token: PAGE });
    expect(leads.body.data.map((l: any) => l.id)).toEqual([lead.body.id]);
    expect((await h.graph("DELETE", `/${lead.body.id}`, { token: PAGE })).body).toEqual({ success: true });
    const refused = await h.graph("POST", `/${id}/test_leads`, { token: PAGE });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("is archived and accepts no new leads");
    expectError(
      await h.graph("POST", `/${id}`, { token: PAGE, body: { status: "PAUSED" } }),
      '(#100) Param status must be one of {ACTIVE, ARCHIVED} - got "PAUSED".',
    );
    expectError(await h.graph("POST", `/${id}`, { token: PAGE, body: {} }), "(#100) The parameter status is required.");
    expect((await h.graph("POST", `/${id}`, { token: PAGE, query: { status: "ACTIVE" } })).body).toEqual({ success: true });
    expect((await h.graph("POST", `/${id}/test_leads`, { token: PAGE })).status).toBe(200);
    const del = await h.graph("DELETE", `/${id}`, { token: PAGE });
    expect(del.status).toBe(400);
    expect(del.body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: "GraphMethodException",
      message: expect.stringMatching(new RegExp(`^Unsupported delete request\\. Object with ID '${id}' does not exist`)),
    });
  });

  it("creates test leads with Meta's dummy data, one per form at a time", async () => {
    const {
      body: { id: formId },
    } = await create(FULL_FORM);
    const before = (await h.graph("GET", `/${formId}`, { token: PAGE, query: { fields: "leads_count,organic_leads_count" } })).body;
    const res = await h.graph("POST", `/${formId}/test_leads`, { token: PAGE });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["id"]);
    const lead = (
      await h.graph("GET", `/${res.body.id}`, {
        token: PAGE,
        query: { fields: "id,form_id,is_organic,platform,ad_id,field_data,custom_disclaimer_responses" },
      })
    ).body;
    expect(lead).toEqual({
      id: res.body.id,
      form_id: formId,
      is_organic: true,
      platform: "fb",
      field_data: [
        { name: "utm_source", values: ["leadgraph"] },
        { name: "campaign", values: ["x1"] },
        { name: "full_name", values: ["<test lead: dummy data for full_name>"] },
        { name: "email", values: ["test@meta.com"] },
        { name: "phone_number", values: ["<test lead: dummy data for phone_number>"] },
        { name: "budget", values: ["low"] },
        { name: "dealer", values: ["99213450"] },
        { name: "visit", values: ["<test lead: dummy data for visit>"] },
        { name: "id_cpf", values: ["<test lead: dummy data for id_cpf>"] },
      ],
      custom_disclaimer_responses: [
        { checkbox_key: "terms", is_checked: "" },
        { checkbox_key: "news", is_checked: "1" },
      ],
    });
    const after = (await h.graph("GET", `/${formId}`, { token: PAGE, query: { fields: "leads_count,organic_leads_count" } })).body;
    expect(after.leads_count).toBe(before.leads_count + 1);
    expect(after.organic_leads_count).toBe(before.organic_leads_count + 1);

    const second = await h.graph("POST", `/${formId}/test_leads`, { token: PAGE });
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({
      code: 2,
      error_subcode: 1892058,
      error_user_title: "Test lead already exists for this form.",
      error_user_msg:
        "A test lead was already created for this leadgen form. Delete the existing lead before creating a new one. To retrieve the lead id, use the GET call on /test_leads edge.",
    });
    const listed = await h.graph("GET", `/${formId}/test_leads`, { token: PAGE });
    expect(listed.body.data.map((l: any) => l.id)).toEqual([res.body.id]);
    expect(Object.keys(listed.body.data[0])).toEqual(expect.arrayContaining(["created_time", "id", "field_data"]));
    const leads = await h.graph("GET", `/${formId}/leads`, { token: PAGE });
    expect(leads.body.data.map((l: any) => l.id)).toEqual([res.body.id]);

    // Written through the intake with the outbox row in the same transaction.
    const events = await h.runtime.connection.db
      .selectFrom("lead_events")
      .select(["lead_id", "form_id"])
      .where("lead_id", "=", res.body.id)
      .execute();
    expect(events).toEqual([{ lead_id: res.body.id, form_id: formId }]);

    // Someone else (another app or user) cannot delete it; its creator can.
    expect((await h.graph("GET", `/${res.body.id}`, { token: "EAAB-user-ann-app2" })).status).toBe(200);
    const denied = await h.graph("DELETE", `/${res.body.id}`, { token: "EAAB-user-ann-app2" });
    expect(denied.body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
      message: expect.stringMatching(/^Unsupported delete request/),
    });
    const bob = await h.graph("DELETE", `/${res.body.id}`, { token: "EAAB-user-bob" });
    expect(bob.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.graph("DELETE", `/${res.body.id}`, { token: PAGE })).body).toEqual({ success: true });
    expect((await h.graph("GET", `/${res.body.id}`, { token: PAGE })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.graph("GET", `/${formId}`, { token: PAGE, query: { fields: "leads_count" } })).body.leads_count).toBe(
      before.leads_count,
    );
    expect((await h.graph("GET", `/${formId}/test_leads`, { token: PAGE })).body.data).toEqual([]);
    // A lead that is not a test lead is never deletable.
    expect((await h.graph("DELETE", "/9001", { token: PAGE })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it("creates a test lead from given field_data and disclaimer responses (JSON text)", async () => {
    const {
      body: { id: formId },
    } = await create({
      name: "Given",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }],
      custom_disclaimer: { checkboxes: [{ key: "ok", text: "OK" }] },
    });
    const bad = await h.graph("POST", `/${formId}/test_leads`, { token: PAGE, body: { field_data: [{ name: "nope", values: ["x"] }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^\(#100\) test_lead\[0\]\.field_data\[0\]\.name: "nope" is not a question key/);
    const body = new URLSearchParams({
      field_data: JSON.stringify([
        { name: "email", values: ["a@b.example"] },
        { name: "full_name", values: ["Ana"] },
      ]),
      custom_disclaimer_responses: JSON.stringify([{ checkbox_key: "ok", is_checked: true }]),
    }).toString();
    const res = await h.graph("POST", `/${formId}/test_leads`, {
      token: PAGE,
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    const lead = (await h.graph("GET", `/${res.body.id}`, { token: PAGE, query: { fields: "field_data,custom_disclaimer_responses" } }))
      .body;
    expect(lead.field_data).toEqual([
      { name: "full_name", values: ["Ana"] },
      { name: "email", values: ["a@b.example"] },
    ]);
    expect(lead.custom_disclaimer_responses).toEqual([{ checkbox_key: "ok", is_checked: "1" }]);
  });

  describe("admin API", () => {
    const admin = (method: "GET" | "POST", url: string, payload?: unknown, key = h.runtime.adminKey) =>
      h.app
        .inject({
          method,
          url,
          ...(payload !== undefined ? { payload: payload as object } : {}),
          headers: { authorization: `Bearer ${key}` },
        })
        .then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) }));

    it("creates forms without a token and reads the whole definition", async () => {
      const res = await admin("POST", "/_leadgraph/admin/pages/3001/forms", FULL_FORM);
      expect(res.status).toBe(200);
      const doc = await admin("GET", `/_leadgraph/admin/forms/${res.body.id}`);
      expect(doc.body).toMatchObject({ id: res.body.id, page_id: "3001", name: "Everything form", locale: "de_DE", status: "ACTIVE" });
      expect(doc.body.questions).toHaveLength(7);
      expect(doc.body.page_locations).toEqual([expect.objectContaining({ store_number: "99213450" })]);
      expect(doc.body.legal_content.custom_disclaimer.checkboxes).toHaveLength(2);
      const bad = await admin("POST", "/_leadgraph/admin/pages/3001/forms", { name: "x", questions: [{ type: "NOPE" }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^\(#100\) Param questions\[0\]\[type\] must be one of/);
      expect((await admin("GET", "/_leadgraph/admin/forms/123", undefined, "wrong-key-wrong-key-wrong")).status).toBe(401);
      expect((await admin("POST", "/_leadgraph/admin/pages/999/forms", FULL_FORM)).body.error).toMatchObject({
        code: 100,
        error_subcode: 33,
      });
    });

    it("creates attributed leads in order, all or nothing", async () => {
      const before = (await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count,organic_leads_count" } })).body;
      const leads = [
        {
          ad_id: "7001",
          platform: "ig",
          created_time: "2026-11-27T10:00:00+0000",
          field_data: [{ name: "full_name", values: ["Ad Lead"] }],
          custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "1" }],
        },
        { field_data: [{ name: "email", values: ["organic@example.com"] }] },
      ];
      const res = await admin("POST", "/_leadgraph/admin/forms/8001/leads", { leads });
      expect(res.status).toBe(200);
      expect(res.body.ids).toHaveLength(2);
      const first = (
        await h.graph("GET", `/${res.body.ids[0]}`, {
          token: "EAAB-user-ann",
          query: { fields: "ad_id,adset_id,campaign_id,campaign_name,is_organic,platform,created_time,custom_disclaimer_responses" },
        })
      ).body;
      expect(first).toMatchObject({
        ad_id: "7001",
        adset_id: "6001",
        campaign_id: "5001",
        campaign_name: "Spring Sale",
        is_organic: false,
        platform: "ig",
        created_time: "2026-11-27T10:00:00+0000",
      });
      const after = (await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count,organic_leads_count" } })).body;
      expect(after).toMatchObject({ leads_count: before.leads_count + 2, organic_leads_count: before.organic_leads_count + 1 });
      const ad = await h.graph("GET", "/7001/leads", { token: "EAAB-user-ann" });
      expect(ad.body.data.map((l: any) => l.id)).toContain(res.body.ids[0]);

      // One bad lead: nothing is written, and the error names it.
      const bad = await admin("POST", "/_leadgraph/admin/forms/8001/leads", {
        leads: [leads[1], { field_data: [{ name: "car_make", values: ["tesla"] }] }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        '(#100) leads[1].field_data[0].values[0]: must be an option key of "car_make" (honda, kia) - got "tesla"',
      );
      expect((await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count" } })).body.leads_count).toBe(after.leads_count);
      const wrongAd = await admin("POST", "/_leadgraph/admin/forms/8002/leads", { leads: [{ ad_id: "7001", field_data: [] }] });
      expect(wrongAd.body.error.message).toBe("(#100) leads[0].ad_id: ad 7001 does not use form 8002");
      expect(
        (await admin("POST", "/_leadgraph/admin/forms/8001/leads", { leads: [{ field_data: [], bogus: 1 }] })).body.error.message,
      ).toBe("(#100) Param leads.0.bogus is not a known field");
      expect((await admin("POST", "/_leadgraph/admin/forms/8001/leads", {})).body.error.message).toBe("(#100) Param leads is required");
      const tooMany = await admin("POST", "/_leadgraph/admin/forms/8001/leads", {
        leads: Array.from({ length: 10_001 }, () => ({ field_data: [] })),
      });
      expect(tooMany.body.error.message).toMatch(/at most 10000 leads per call - got 10001/);
    });

    it("takes 10,000 leads in one call", async () => {
      const leads = Array.from({ length: 10_000 }, (_, i) => ({ field_data: [{ name: "email", values: [`bulk${i}@example.com`] }] }));
      const res = await admin("POST", "/_leadgraph/admin/forms/8001/leads", { leads });
      expect(res.status).toBe(200);
      expect(res.body.ids).toHaveLength(10_000);
      expect(new Set(res.body.ids).size).toBe(10_000);
      const last = (await h.graph("GET", `/${res.body.ids[9999]}`, { token: PAGE })).body;
      expect(last.field_data.at(-1)).toEqual({ name: "email", values: ["bulk9999@example.com"] });
    });
  });
});
