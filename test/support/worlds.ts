import type { WorldInput } from "../../src/world/world-schema.ts";
import { TEST_NOW } from "./harness.ts";

export const SCOPES = [
  "leads_retrieval",
  "pages_show_list",
  "pages_read_engagement",
  "pages_manage_metadata",
  "pages_manage_ads",
  "ads_management",
];

/** The world from the foundation issue, plus a second page and a few more leads. */
export function exampleWorld(extraLeads = 0): WorldInput {
  const leads: NonNullable<WorldInput["leads"]> = [
    {
      id: "9001",
      form_id: "8001",
      ad_id: "7001",
      created_time: "2026-11-20T10:00:00+0000",
      platform: "fb",
      field_data: [
        { name: "full_name", values: ["Joe Example"] },
        { name: "car_make", values: ["honda"] },
      ],
      custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "1" }],
    },
    {
      id: "9002",
      form_id: "8001",
      created_time: "2026-11-21T10:00:00+0000",
      platform: "ig",
      field_data: [
        { name: "full_name", values: ["Zoë Ünïcode"] },
        { name: "email", values: ["zoe@example.com"] },
        { name: "selected_dealer", values: ["99213450"] },
      ],
    },
  ];
  for (let i = 0; i < extraLeads; i++) {
    leads.push({
      id: String(9100 + i),
      form_id: "8001",
      ...(i % 2 === 0 ? { ad_id: "7001" } : {}),
      created_time: TEST_NOW - 3600 * (i + 1),
      platform: i % 3 === 0 ? "ig" : "fb",
      field_data: [
        { name: "full_name", values: [`Person ${i}`] },
        { name: "email", values: [`p${i}@example.com`] },
      ],
    });
  }
  return {
    apps: [
      {
        id: "1001",
        name: "Acme CRM",
        secret: "s3cr3t-acme",
        mode: "live",
        created_time: "2019-05-01T00:00:00+0000",
        require_appsecret_proof: false,
      },
    ],
    users: [
      { id: "2001", name: "Ann Admin" },
      { id: "2002", name: "Bob Outsider" },
    ],
    pages: [
      {
        id: "3001",
        name: "Acme Cars",
        category: "Car Dealership",
        roles: [{ user_id: "2001", tasks: ["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"] }],
        lead_access: null,
        locations: [
          {
            store_number: "99213450",
            name: "Acme Downtown",
            street: "1 Main St",
            city: "Springfield",
            zip: "12345",
            country: "US",
            latitude: 40.1,
            longitude: -75.2,
          },
        ],
      },
      { id: "3002", name: "Other Page", category: "Business", roles: [{ user_id: "2002", tasks: ["MANAGE"] }] },
    ],
    ad_accounts: [{ id: "act_4001", name: "Acme Ads", users: [{ user_id: "2001", role: "ADVERTISER" }] }],
    campaigns: [{ id: "5001", account_id: "act_4001", name: "Spring Sale" }],
    adsets: [{ id: "6001", campaign_id: "5001", name: "Spring US" }],
    ads: [{ id: "7001", adset_id: "6001", name: "Test drive ad", form_id: "8001", status: "ACTIVE" }],
    forms: [
      {
        id: "8001",
        page_id: "3001",
        name: "Test drive",
        status: "ACTIVE",
        locale: "en_US",
        created_time: "2026-06-01T00:00:00+0000",
        questions: [
          { type: "FULL_NAME" },
          { type: "EMAIL" },
          {
            type: "CUSTOM",
            key: "car_make",
            label: "Which car?",
            options: [
              { key: "honda", value: "Honda" },
              { key: "kia", value: "Kia" },
            ],
          },
          { type: "STORE_LOOKUP", key: "selected_dealer" },
        ],
        custom_disclaimer: {
          title: "Offers",
          body: { text: "We may contact you." },
          checkboxes: [{ key: "optional_1", text: "Email me offers", is_required: false }],
        },
        tracking_parameters: { utm_source: "fb" },
        privacy_policy: { url: "https://acme.example/privacy", link_text: "Privacy" },
      },
      { id: "8002", page_id: "3002", name: "Other form", questions: [{ type: "EMAIL" }], created_time: "2026-06-01T00:00:00+0000" },
    ],
    leads,
    tokens: [
      { token: "EAAB-user-ann", type: "USER", app_id: "1001", user_id: "2001", scopes: SCOPES, expires_at: null },
      { token: "EAAB-page-acme", type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3001", scopes: SCOPES, expires_at: null },
      { token: "EAAB-user-bob", type: "USER", app_id: "1001", user_id: "2002", scopes: SCOPES, expires_at: null },
      { token: "EAAB-page-other", type: "PAGE", app_id: "1001", user_id: "2002", page_id: "3002", scopes: SCOPES, expires_at: null },
    ],
    subscriptions: [
      { app_id: "1001", object: "page", callback_url: "http://127.0.0.1:5055/facebook", fields: ["leadgen"], verify_token: "vt" },
    ],
    subscribed_apps: [{ page_id: "3001", app_id: "1001", subscribed_fields: ["leadgen"] }],
  };
}
