import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { EVERY_TYPE_ANSWERS, EVERY_TYPE_FORM, SECOND_STORE } from "./support/form-fixtures.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";
const tokenOf = (page: string) => /name="_token" value="([^"]+)"/.exec(page)?.[1] ?? "";

describe.each(databaseKinds())("hosted instant form over HTTP (%s)", (kind) => {
  let h: Harness;
  let formId: string;
  beforeAll(async () => {
    const world = exampleWorld();
    world.pages![0]!.locations!.push(SECOND_STORE);
    h = await startHarness(kind, { world });
    formId = (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: EVERY_TYPE_FORM })).body.id;
  });
  afterAll(async () => h?.close());

  const post = (path: string, fields: Record<string, string>) =>
    h.app.inject({
      method: "POST",
      url: path,
      payload: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  const answersBody = (token: string, answers: Record<string, string>, extra: Record<string, string> = {}) => ({
    _token: token,
    _action: "submit",
    ...Object.fromEntries(Object.entries(answers).map(([k, v]) => [`answer:${k}`, v])),
    ...extra,
  });

  it("renders every question with the right input, escaped", async () => {
    const res = await h.app.inject({ method: "GET", url: `/forms/${formId}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    const page = res.body;
    expect(page).toContain("<title>Every type &lt;form&gt;</title>");
    expect(page).not.toContain("<form>");
    expect(page).toMatch(/<input type="email" id="q-3" name="answer:email"/);
    expect(page).toMatch(/<input type="tel" id="q-5" name="answer:phone_number"/);
    expect(page).toMatch(/<input type="date" id="q-16" name="answer:date_of_birth"/);
    expect(page).toMatch(/<input type="datetime-local" id="q-21" name="answer:appointment" required aria-describedby="q-21-hint"/);
    expect(page).toContain('<p class="hint" id="q-21-hint">We confirm by phone</p>');
    expect(page).toMatch(
      /<select id="q-23" name="answer:budget"[^>]*><option value="">Choose an answer<\/option><option value="low">Under \$10k<\/option>/,
    );
    expect(page).toContain('<option value="99213450" data-search=');
    expect(page).toContain('<optgroup label="Kia" data-when="Kia"><option value="Ceed">Ceed</option>');
    expect(page).toContain('<ul class="context"><li>Pick a dealer</li><li>We call you back</li></ul>');
    expect(page).toContain('<a href="https://acme.example/privacy" rel="noopener noreferrer" target="_blank">Acme privacy</a>');
    expect(page).toContain('name="checkbox:contact_ok" value="1" required');
    expect(page).toMatch(/<label for="q-0">Full name<\/label>/);
    expect(page).toContain('<html lang="en-US">');
  });

  it("keeps the answers and ties errors to fields when validation fails", async () => {
    const token = tokenOf((await h.app.inject({ method: "GET", url: `/forms/${formId}` })).body);
    const res = await post(
      `/forms/${formId}`,
      answersBody(token, { ...EVERY_TYPE_ANSWERS, email: "not-an-email", phone_number: "12", id_cpf: "11111111111", model: "Civic" }),
    );
    expect(res.statusCode).toBe(422);
    const page = res.body;
    expect(page).toMatch(
      /<input type="email" id="q-3" name="answer:email" required aria-invalid="true" aria-describedby="q-3-error" value="not-an-email"/,
    );
    expect(page).toContain('<p class="error" id="q-3-error">Enter a valid email address, like name@example.com.</p>');
    expect(page).toContain('id="q-5-error"');
    expect(page).toContain('id="q-27-error"'); // CPF checksum
    expect(page).toContain('id="q-26-error"'); // Civic is not a Kia
    expect(page).toContain('id="cb-0-error"'); // the required checkbox
    expect(page).toContain('value="Zoë O&#39;Brien &lt;b&gt;"');
    expect(page).toContain('role="alert"');
    expect(page).toContain('<option value="high" selected>');
    expect((await h.graph("GET", `/${formId}/leads`, { token: PAGE })).body.data).toEqual([]);
  });

  it("submits once, shows the thank-you page, and a replay shows the same lead", async () => {
    const token = tokenOf((await h.app.inject({ method: "GET", url: `/forms/${formId}?platform=ig` })).body);
    const fields = answersBody(token, EVERY_TYPE_ANSWERS, { "checkbox:contact_ok": "1" });
    const first = await post(`/forms/${formId}?platform=ig`, fields);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain("See you soon");
    expect(first.body).toContain('<a class="button" href="https://acme.example/" rel="noopener noreferrer">Visit Acme</a>');
    const leadId = /data-lead-id="(\d+)"/.exec(first.body)![1];
    const second = await post(`/forms/${formId}?platform=ig`, fields);
    expect(second.statusCode).toBe(200);
    expect(/data-lead-id="(\d+)"/.exec(second.body)![1]).toBe(leadId);
    const leads = (
      await h.graph("GET", `/${formId}/leads`, {
        token: PAGE,
        query: { fields: "id,platform,is_organic,field_data,custom_disclaimer_responses" },
      })
    ).body.data;
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ id: leadId, platform: "ig", is_organic: true });
    expect(leads[0].field_data[0]).toEqual({ name: "utm_source", values: ["hosted"] });
    expect(Object.fromEntries(leads[0].field_data.slice(1).map((d: any) => [d.name, d.values[0]]))).toEqual(EVERY_TYPE_ANSWERS);
    expect(leads[0].custom_disclaimer_responses).toEqual([
      { checkbox_key: "contact_ok", is_checked: "1" },
      { checkbox_key: "newsletter", is_checked: "" },
    ]);
  });

  it("refuses forged, foreign and expired tokens", async () => {
    const token = tokenOf((await h.app.inject({ method: "GET", url: `/forms/${formId}` })).body);
    const forged = `${token.slice(0, -3)}AAA`;
    expect((await post(`/forms/${formId}`, answersBody(forged, EVERY_TYPE_ANSWERS, { "checkbox:contact_ok": "1" }))).statusCode).toBe(403);
    expect((await post("/forms/8001", answersBody(token, {}))).statusCode).toBe(403);
    h.clock.advance(25 * 3600 * 1000);
    try {
      const res = await post(`/forms/${formId}`, answersBody(token, EVERY_TYPE_ANSWERS, { "checkbox:contact_ok": "1" }));
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Open the form again");
    } finally {
      h.clock.advance(-25 * 3600 * 1000);
    }
  });

  it("filters the store list without JavaScript, by GET and by the search button", async () => {
    const byGet = (await h.app.inject({ method: "GET", url: `/forms/${formId}?store_q=shelby` })).body;
    expect(byGet).toContain('value="77100001"');
    expect(byGet).not.toContain('value="99213450"');
    const token = tokenOf(byGet);
    const res = await post(`/forms/${formId}`, {
      _token: token,
      _action: "search",
      store_q: "downtown",
      "answer:email": "kept@example.com",
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="99213450"');
    expect(res.body).not.toContain('value="77100001"');
    expect(res.body).toContain('value="kept@example.com"');
  });

  it("attributes leads to an ad using the form and refuses ads that do not", async () => {
    const token = tokenOf((await h.app.inject({ method: "GET", url: "/forms/8001?ad_id=7001" })).body);
    const res = await post("/forms/8001?ad_id=7001", {
      _token: token,
      _action: "submit",
      "answer:full_name": "Ad Person",
      "answer:email": "ad@example.com",
      "answer:car_make": "kia",
      "answer:selected_dealer": "99213450",
    });
    expect(res.statusCode).toBe(200);
    const leadId = /data-lead-id="(\d+)"/.exec(res.body)![1];
    const lead = (
      await h.graph("GET", `/${leadId}`, { token: "EAAB-user-ann", query: { fields: "ad_id,campaign_id,is_organic,platform" } })
    ).body;
    expect(lead).toMatchObject({ ad_id: "7001", campaign_id: "5001", is_organic: false, platform: "fb" });
    expect((await h.app.inject({ method: "GET", url: `/forms/${formId}?ad_id=7001` })).statusCode).toBe(404);
  });

  it("shows the review step for forms optimised for quality, then submits", async () => {
    const id = (
      await h.graph("POST", "/3001/leadgen_forms", {
        token: PAGE,
        body: { name: "Quality", locale: "DE_DE", is_optimized_for_quality: true, questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }] },
      })
    ).body.id;
    const first = (await h.app.inject({ method: "GET", url: `/forms/${id}` })).body;
    expect(first).toContain('<html lang="de-DE">');
    expect(first).toContain("Vollständiger Name");
    expect(first).toContain('value="review">Überprüfen</button>');
    const token = tokenOf(first);
    const review = await post(`/forms/${id}`, {
      _token: token,
      _action: "review",
      "answer:full_name": "Jörg",
      "answer:email": "j@example.de",
    });
    expect(review.body).toContain("Überprüfe deine Angaben");
    expect(review.body).toContain('<input type="hidden" name="answer:email" value="j@example.de">');
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).body.data).toHaveLength(0);
    const done = await post(`/forms/${id}`, {
      _token: token,
      _action: "submit",
      "answer:full_name": "Jörg",
      "answer:email": "j@example.de",
    });
    expect(done.body).toContain("Danke, du bist fertig.");
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).body.data).toHaveLength(1);
  });

  it("shows that an archived form accepts no answers, and 404 for unknown forms", async () => {
    const id = (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: { name: "Old", questions: [{ type: "EMAIL" }] } })).body
      .id;
    const token = tokenOf((await h.app.inject({ method: "GET", url: `/forms/${id}` })).body);
    await h.graph("POST", `/${id}`, { token: PAGE, body: { status: "ARCHIVED" } });
    const get = await h.app.inject({ method: "GET", url: `/forms/${id}` });
    expect(get.statusCode).toBe(410);
    expect(get.body).toContain("This form is no longer accepting responses");
    expect((await post(`/forms/${id}`, { _token: token, "answer:email": "a@b.example" })).statusCode).toBe(410);
    expect((await h.app.inject({ method: "GET", url: "/forms/123456" })).statusCode).toBe(404);
    expect((await h.app.inject({ method: "GET", url: "/forms/abc" })).statusCode).toBe(404);
  });
});
