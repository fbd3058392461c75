import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../src/world/load-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";
const FORM = "8100";
const ANSWERS: Record<string, string> = {
  full_name: "Ana Lima",
  email: "ana@example.com",
  phone_number: "+14155552671",
  car_make: "kia",
  selected_dealer: "99213450",
  notes: "Call after 5",
};
const FIELD_DATA = [{ name: "utm_source", values: ["ads"] }, ...Object.entries(ANSWERS).map(([name, v]) => ({ name, values: [v] }))];
const DISCLAIMERS = [
  { checkbox_key: "terms", is_checked: "1" },
  { checkbox_key: "news", is_checked: "" },
];

describe.each(databaseKinds())("every way in writes the same lead (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    const world = exampleWorld();
    world.forms!.push({
      id: FORM,
      page_id: "3001",
      name: "Same lead",
      created_time: "2026-06-01T00:00:00+0000",
      questions: [
        { type: "FULL_NAME" },
        { type: "EMAIL" },
        { type: "PHONE" },
        {
          type: "CUSTOM",
          key: "car_make",
          label: "Car",
          options: [
            { key: "honda", value: "Honda" },
            { key: "kia", value: "Kia" },
          ],
        },
        { type: "STORE_LOOKUP", key: "selected_dealer" },
        { type: "CUSTOM", key: "notes", label: "Notes" },
      ],
      custom_disclaimer: {
        checkboxes: [
          { key: "terms", text: "Terms" },
          { key: "news", text: "News", is_required: false },
        ],
      },
      tracking_parameters: { utm_source: "ads" },
    });
    h = await startHarness(kind, { world });
  });
  afterAll(async () => h?.close());

  it("hosted form, test lead, admin API and world file give identical Graph reads", async () => {
    const counts = async () =>
      (await h.graph("GET", `/${FORM}`, { token: PAGE, query: { fields: "leads_count,organic_leads_count" } })).body;
    const before = await counts();
    const ids: Record<string, string> = {};

    const page = await h.app.inject({ method: "GET", url: `/forms/${FORM}` });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;
    const hosted = await h.app.inject({
      method: "POST",
      url: `/forms/${FORM}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        _token: token,
        ...Object.fromEntries(Object.entries(ANSWERS).map(([k, v]) => [`answer:${k}`, v])),
        "checkbox:terms": "1",
      }).toString(),
    });
    ids.hosted = /data-lead-id="(\d+)"/.exec(hosted.body)![1]!;

    const answers = Object.entries(ANSWERS).map(([name, v]) => ({ name, values: [v] }));
    ids.test = (
      await h.graph("POST", `/${FORM}/test_leads`, {
        token: PAGE,
        body: { field_data: answers, custom_disclaimer_responses: [{ checkbox_key: "terms", is_checked: "1" }] },
      })
    ).body.id;

    const admin = await h.app.inject({
      method: "POST",
      url: `/_leadgraph/admin/forms/${FORM}/leads`,
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
      payload: { leads: [{ field_data: answers, custom_disclaimer_responses: [{ checkbox_key: "terms", is_checked: "1" }] }] },
    });
    ids.admin = JSON.parse(admin.body).ids[0];

    await loadWorld(h.runtime.services, {
      leads: [
        { id: "9900", form_id: FORM, field_data: answers, custom_disclaimer_responses: [{ checkbox_key: "terms", is_checked: "1" }] },
      ],
    });
    ids.world = "9900";

    const fields = "form_id,is_organic,platform,field_data,custom_disclaimer_responses";
    for (const [way, id] of Object.entries(ids)) {
      const lead = (await h.graph("GET", `/${id}`, { token: PAGE, query: { fields } })).body;
      const { id: readId, ...rest } = lead;
      expect(readId, way).toBe(id);
      expect(rest, way).toEqual({
        form_id: FORM,
        is_organic: true,
        platform: "fb",
        field_data: FIELD_DATA,
        custom_disclaimer_responses: DISCLAIMERS,
      });
    }
    expect(await counts()).toEqual({ id: FORM, leads_count: before.leads_count + 4, organic_leads_count: before.organic_leads_count + 4 });
    const events = await h.runtime.connection.db.selectFrom("lead_events").select("lead_id").where("form_id", "=", FORM).execute();
    expect(events.map((e) => e.lead_id).sort()).toEqual([ids.hosted, ids.test, ids.admin].sort());
  });
});
