import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorld, parseWorld, WorldError } from "../src/world/load-world.ts";
import type { WorldInput } from "../src/world/world-schema.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { countRows } from "./support/raw-count.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";

async function worldError(h: Harness, world: unknown): Promise<string> {
  try {
    await loadWorld(h.runtime.services, world);
  } catch (e) {
    expect(e).toBeInstanceOf(WorldError);
    return (e as Error).message;
  }
  throw new Error("the world loaded");
}

const withForm = (patch: (w: WorldInput) => void): WorldInput => {
  const w = exampleWorld();
  patch(w);
  return w;
};

describe("world file parsing", () => {
  it("names the place of a schema problem", () => {
    const cases: [unknown, string][] = [
      [{ apps: [{ name: "x", secret: "12345678", mode: "prod" }] }, "apps[0].mode: must be one of live, development"],
      [{ users: [{ id: "abc", name: "x" }] }, 'users[0].id: must be a numeric id string such as "1001"'],
      [{ users: [{ name: "x", nickname: "y" }] }, "users[0]: unknown key(s) nickname"],
      [{ leads: [{ field_data: [] }] }, "leads[0].form_id: is required"],
      [{ ad_accounts: [{ id: "4001", name: "x" }] }, 'ad_accounts[0].id: must look like "act_4001"'],
      [{ planets: [] }, ": unknown key(s) planets"],
    ];
    for (const [input, message] of cases) {
      let got = "";
      try {
        parseWorld(input);
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got.replace(/^: /, ": ")).toBe(message.startsWith(":") ? message.slice(2) : message);
    }
  });
});

describe.each(databaseKinds())("world file loading (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => h?.close());

  it("names the exact place of form, reference and time problems", async () => {
    const bad: [WorldInput, RegExp][] = [
      [
        withForm((w) => {
          (w.forms![0] as unknown as { questions: unknown[] }).questions[2] = { type: "COLOUR" };
        }),
        /^forms\[0\]\.questions\[2\]\.type: must be one of CUSTOM, .*EMAIL.* - got "COLOUR"$/,
      ],
      [
        withForm((w) => {
          w.forms![0]!.page_id = "3999";
        }),
        /^forms\[0\]\.page_id: no page with id 3999$/,
      ],
      [
        withForm((w) => {
          w.ads![0]!.adset_id = "6999";
        }),
        /^ads\[0\]\.adset_id: no ad set with id 6999$/,
      ],
      [
        withForm((w) => {
          w.ads![0]!.form_id = "8999";
        }),
        /^ads\[0\]\.form_id: no form with id 8999$/,
      ],
      [
        withForm((w) => {
          w.campaigns![0]!.account_id = "act_9";
        }),
        /^campaigns\[0\]\.account_id: no ad account with id act_9$/,
      ],
      [
        withForm((w) => {
          w.pages![0]!.roles![0]!.user_id = "2999";
        }),
        /^pages\[0\]\.roles\[0\]\.user_id: no user with id 2999/,
      ],
      [
        withForm((w) => {
          w.tokens![0]!.app_id = "1999";
        }),
        /^tokens\[0\]\.app_id: no app with id 1999$/,
      ],
      [
        withForm((w) => {
          w.leads![1]!.form_id = "8999";
        }),
        /^leads\[1\]\.form_id: no form with id 8999$/,
      ],
      [
        withForm((w) => {
          w.leads![0]!.ad_id = "7999";
        }),
        /^leads\[0\]\.ad_id: no ad with id 7999$/,
      ],
      [
        withForm((w) => {
          w.leads![1]!.created_time = "last tuesday";
        }),
        /^leads\[1\]\.created_time: must be a time such as 2026-11-20T10:00:00\+0000 or unix seconds - got "last tuesday"$/,
      ],
      [
        withForm((w) => {
          w.forms![0]!.created_time = "2026-13-45";
        }),
        /^forms\[0\]\.created_time: must be a time/,
      ],
      [
        withForm((w) => {
          w.tokens![0]!.expires_at = "soon";
        }),
        /^tokens\[0\]\.expires_at: must be a time/,
      ],
      [
        withForm((w) => {
          w.leads![0]!.field_data![1] = { name: "car_make", values: ["Honda"] };
        }),
        /^leads\[0\]\.field_data\[1\]\.values\[0\]: must be an option key of "car_make" \(honda, kia\) - got "Honda"$/,
      ],
      [
        withForm((w) => {
          w.leads![0]!.field_data![0] = { name: "nickname", values: ["J"] };
        }),
        /^leads\[0\]\.field_data\[0\]\.name: "nickname" is not a question key of form 8001/,
      ],
      [
        withForm((w) => {
          w.leads![1]!.field_data![2] = { name: "selected_dealer", values: ["1"] };
        }),
        /^leads\[1\]\.field_data\[2\]\.values\[0\]: "1" is not a store number of page 3001$/,
      ],
      [
        withForm((w) => {
          w.leads![0]!.custom_disclaimer_responses = [{ checkbox_key: "optional_9", is_checked: "1" }];
        }),
        /^leads\[0\]\.custom_disclaimer_responses\[0\]\.checkbox_key: "optional_9" is not a checkbox/,
      ],
    ];
    for (const [world, message] of bad) expect(await worldError(h, world)).toMatch(message);
  });

  it("is all or nothing: a failing file leaves the database unchanged", async () => {
    const before = await Promise.all([countRows(h.db, "leads"), countRows(h.db, "forms")]);
    const world = withForm((w) => {
      w.leads!.push({ form_id: "8001", field_data: [{ name: "nope", values: ["x"] }] });
    });
    expect(await worldError(h, world)).toMatch(/^leads\[2\]\.field_data\[0\]\.name/);
    expect(await Promise.all([countRows(h.db, "leads"), countRows(h.db, "forms")])).toEqual(before);
    expect(await h.runtime.services.store.directory.getPage("3001")).toBeUndefined();
    const res = await h.graph("GET", "/9001", { token: PAGE });
    expect(res.body.error.code).toBe(190);
  });

  it("loads twice harmlessly, with no webhooks for its leads", async () => {
    const world = exampleWorld(5);
    const first = await loadWorld(h.runtime.services, world);
    expect(first).toMatchObject({ leads: 7, leadsSkipped: 0, forms: 2, pages: 2 });
    const form1 = await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count,organic_leads_count" } });
    const leads1 = await countRows(h.db, "leads");
    const second = await loadWorld(h.runtime.services, world);
    expect(second).toMatchObject({ leads: 0, leadsSkipped: 7, forms: 2, pages: 2 });
    expect(await countRows(h.db, "leads")).toBe(leads1);
    const form2 = await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count,organic_leads_count" } });
    expect(form2.body).toEqual(form1.body);
    expect(form2.body.leads_count).toBe(7);
    expect(await countRows(h.db, "lead_events")).toBe(0);
  });

  it("normalises field data: custom keys, option keys, store numbers, tracking params, CUSTOM keys from labels", async () => {
    const world: WorldInput = {
      apps: [{ id: "1101", name: "App", secret: "s3cr3t-app" }],
      users: [{ id: "2101", name: "Eve" }],
      pages: [
        { id: "3101", name: "Shop", roles: [{ user_id: "2101", tasks: ["MANAGE"] }], locations: [{ store_number: "42", name: "Main" }] },
      ],
      forms: [
        {
          id: "8101",
          page_id: "3101",
          name: "Quiz",
          questions: [
            { type: "EMAIL", key: "work_mail" },
            { type: "CUSTOM", label: "Your budget range?" },
            {
              type: "CUSTOM",
              label: "Which Flat/Apartment size do you need",
              options: [
                { key: "s", value: "Small" },
                { key: "l", value: "Large" },
              ],
            },
            { type: "STORE_LOOKUP", key: "store" },
            { type: "PHONE" },
          ],
          tracking_parameters: { utm_source: "fb", utm_campaign: "spring" },
        },
      ],
      leads: [
        {
          id: "9501",
          form_id: "8101",
          created_time: TEST_NOW - 60,
          field_data: [
            { name: "phone_number", values: ["+15551234567"] },
            { name: "store", values: ["42"] },
            { name: "which_flat/apartment_size_do_you_need", values: ["l"] },
            { name: "your_budget_range?", values: ["10k"] },
            { name: "work_mail", values: ["e@example.com"] },
            { name: "utm_campaign", values: ["override"] },
          ],
        },
      ],
      tokens: [
        {
          token: "EAAB-eve-page",
          type: "PAGE",
          app_id: "1101",
          user_id: "2101",
          page_id: "3101",
          scopes: ["leads_retrieval", "pages_show_list", "pages_read_engagement"],
        },
      ],
    };
    await loadWorld(h.runtime.services, world);
    const form = await h.graph("GET", "/8101", { token: "EAAB-eve-page", query: { fields: "questions" } });
    expect(form.body.questions.map((q: { key: string }) => q.key)).toEqual([
      "work_mail",
      "your_budget_range?",
      "which_flat/apartment_size_do_you_need",
      "store",
      "phone_number",
    ]);
    const lead = await h.graph("GET", "/9501", {
      token: "EAAB-eve-page",
      query: { fields: "field_data,is_organic,custom_disclaimer_responses" },
    });
    expect(lead.body.error).toBeUndefined();
    expect(lead.body.field_data).toEqual([
      { name: "utm_source", values: ["fb"] },
      { name: "utm_campaign", values: ["override"] },
      { name: "work_mail", values: ["e@example.com"] },
      { name: "your_budget_range?", values: ["10k"] },
      { name: "which_flat/apartment_size_do_you_need", values: ["l"] },
      { name: "store", values: ["42"] },
      { name: "phone_number", values: ["+15551234567"] },
    ]);
    expect(lead.body.is_organic).toBe(true);
    expect(lead.body.custom_disclaimer_responses).toEqual([]);
    expect(await countRows(h.db, "lead_events")).toBe(0);
  });

  it('reports disclaimer checkboxes only in custom_disclaimer_responses, as "1" or ""', async () => {
    const lead = await h.graph("GET", "/9001", { token: PAGE, query: { fields: "field_data,custom_disclaimer_responses" } });
    expect(lead.body.custom_disclaimer_responses).toEqual([{ checkbox_key: "optional_1", is_checked: "1" }]);
    expect(lead.body.field_data.map((d: { name: string }) => d.name)).not.toContain("optional_1");
    const other = await h.graph("GET", "/9002", { token: PAGE, query: { fields: "custom_disclaimer_responses" } });
    expect(other.body.custom_disclaimer_responses).toEqual([{ checkbox_key: "optional_1", is_checked: "" }]);
  });
});
