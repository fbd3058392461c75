import { seededRandom } from "../domain/seeded-random.ts";
import type { WorldInput } from "./world-schema.ts";

export const DEMO = {
  appId: "1001",
  appSecret: "demo-app-secret-acme-crm",
  userToken: "EAAB-demo-user-ann",
  pageTokenCars: "EAAB-demo-page-acme-cars",
  pageTokenHomes: "EAAB-demo-page-bella-homes",
  analystToken: "EAAB-demo-user-lee",
  pages: { cars: "3001", homes: "3002" },
  forms: { testDrive: "8001", valuation: "8002", archived: "8003" },
  ads: { testDrive: "7001", testDriveIg: "7002", valuation: "7003" },
} as const;

const FIRST = ["Maria", "Joe", "Aiko", "Lars", "Fatima", "Chen", "Olga", "Pedro", "Amara", "Zoë", "Jürgen", "Priya", "Noah", "Léa"];
const LAST = ["Silva", "Example", "Tanaka", "Berg", "Haddad", "Wei", "Ivanova", "Gómez", "Okafor", "Müller", "Sharma", "Smith"];

/**
 * The `--demo` world: two pages, forms using every question type (store locator, disclaimers,
 * national id, date-time), campaigns, ad sets and ads, and `leadCount` leads spread over the last
 * 120 days (some already past the 90-day retention), organic and paid, Facebook and Instagram.
 */
export function demoWorld(nowSeconds: number, leadCount = 10_000): WorldInput {
  const rnd = seededRandom(20261128);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const allScopes = [
    "leads_retrieval",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_manage_ads",
    "ads_management",
    "ads_read",
    "business_management",
  ];
  const leads: NonNullable<WorldInput["leads"]> = [];
  for (let i = 0; i < leadCount; i++) {
    const created = nowSeconds - Math.floor(rnd() * 120 * 86_400) - 60;
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}${i}@example.com`
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
    const phone = `+1555${String(1_000_000 + Math.floor(rnd() * 8_999_999)).slice(0, 7)}`;
    if (rnd() < 0.6) {
      const paid = rnd() < 0.75;
      const ig = rnd() < 0.35;
      leads.push({
        form_id: DEMO.forms.testDrive,
        ...(paid ? { ad_id: ig ? DEMO.ads.testDriveIg : DEMO.ads.testDrive } : {}),
        created_time: created,
        platform: ig ? "ig" : "fb",
        field_data: [
          { name: "full_name", values: [`${first} ${last}`] },
          { name: "email", values: [email] },
          { name: "phone_number", values: [phone] },
          { name: "car_make", values: [pick(["honda", "kia", "toyota", "vw"])] },
          { name: "selected_dealer", values: [pick(["99213450", "99213451", "99213452"])] },
          { name: "appointment", values: [new Date((created + 3 * 86_400) * 1000).toISOString().replace(/\.\d{3}Z$/, "+0000")] },
        ],
        custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: rnd() < 0.5 ? "1" : "" }],
      });
    } else {
      const paid = rnd() < 0.7;
      leads.push({
        form_id: DEMO.forms.valuation,
        ...(paid ? { ad_id: DEMO.ads.valuation } : {}),
        created_time: created,
        platform: rnd() < 0.3 ? "ig" : "fb",
        field_data: [
          { name: "first_name", values: [first] },
          { name: "last_name", values: [last] },
          { name: "work_email", values: [email] },
          { name: "phone_number", values: [phone] },
          { name: "street_address", values: [`${1 + Math.floor(rnd() * 400)} Elm St`] },
          { name: "city", values: [pick(["Springfield", "Shelbyville", "Ogdenville"])] },
          { name: "zip_code", values: [String(10000 + Math.floor(rnd() * 89999))] },
          { name: "property_type", values: [pick(["house", "flat", "land"])] },
          { name: "when_do_you_plan_to_sell?", values: [pick(["Within 3 months", "This year", "Just curious"])] },
        ],
        custom_disclaimer_responses: [
          { checkbox_key: "terms", is_checked: "1" },
          { checkbox_key: "newsletter", is_checked: rnd() < 0.4 ? "1" : "" },
        ],
      });
    }
  }
  return {
    apps: [{ id: DEMO.appId, name: "Acme CRM", secret: DEMO.appSecret, mode: "live", created_time: "2019-05-01T00:00:00+0000" }],
    users: [
      { id: "2001", name: "Ann Admin" },
      { id: "2002", name: "Lee Leads" },
      { id: "2003", name: "Sam Analyst" },
    ],
    pages: [
      {
        id: DEMO.pages.cars,
        name: "Acme Cars",
        category: "Car Dealership",
        roles: [
          { user_id: "2001", tasks: ["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"] },
          { user_id: "2002", tasks: ["MANAGE_LEADS", "ANALYZE"] },
        ],
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
          {
            store_number: "99213451",
            name: "Acme Airport",
            street: "200 Runway Rd",
            city: "Springfield",
            zip: "12346",
            country: "US",
            latitude: 40.2,
            longitude: -75.1,
          },
          {
            store_number: "99213452",
            name: "Acme Shelbyville",
            street: "9 Oak Ave",
            city: "Shelbyville",
            zip: "12400",
            country: "US",
            latitude: 40.4,
            longitude: -75.6,
          },
        ],
      },
      {
        id: DEMO.pages.homes,
        name: "Bella Homes",
        category: "Real Estate",
        roles: [
          { user_id: "2001", tasks: ["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"] },
          { user_id: "2003", tasks: ["ANALYZE"] },
        ],
        lead_access: null,
      },
    ],
    ad_accounts: [
      {
        id: "act_4001",
        name: "Acme Ads",
        users: [
          { user_id: "2001", role: "ADVERTISER" },
          { user_id: "2003", role: "ANALYST" },
        ],
      },
    ],
    campaigns: [
      { id: "5001", account_id: "act_4001", name: "Spring Sale" },
      { id: "5002", account_id: "act_4001", name: "Sell Your Home" },
    ],
    adsets: [
      { id: "6001", campaign_id: "5001", name: "Spring US" },
      { id: "6002", campaign_id: "5002", name: "Homeowners 35+" },
    ],
    forms: [
      {
        id: DEMO.forms.testDrive,
        page_id: DEMO.pages.cars,
        name: "Test drive",
        status: "ACTIVE",
        locale: "en_US",
        created_time: nowSeconds - 130 * 86_400,
        context_card: {
          title: "Book a test drive",
          style: "LIST_STYLE",
          content: ["Pick your car", "Choose a dealer", "We call you back"],
          button_text: "Start",
        },
        questions: [
          { type: "FULL_NAME" },
          { type: "EMAIL" },
          { type: "PHONE" },
          {
            type: "CUSTOM",
            key: "car_make",
            label: "Which car?",
            options: [
              { key: "honda", value: "Honda" },
              { key: "kia", value: "Kia" },
              { key: "toyota", value: "Toyota" },
              { key: "vw", value: "Volkswagen" },
            ],
          },
          { type: "STORE_LOOKUP", key: "selected_dealer", label: "Preferred dealer", context_provider_type: "LOCATION_MANAGER" },
          { type: "DATE_TIME", key: "appointment", label: "When can you come?", inline_context: "We confirm by phone." },
        ],
        custom_disclaimer: {
          title: "Offers",
          body: { text: "We may contact you about your test drive." },
          checkboxes: [{ key: "optional_1", text: "Email me offers", is_required: false }],
        },
        privacy_policy: { url: "https://acme.example/privacy", link_text: "Privacy policy" },
        thank_you_page: {
          title: "Thanks!",
          body: "A dealer will call you within a day.",
          button_type: "VIEW_WEBSITE",
          button_text: "Visit Acme",
          website_url: "https://acme.example/",
        },
        tracking_parameters: { utm_source: "fb", utm_campaign: "spring" },
      },
      {
        id: DEMO.forms.valuation,
        page_id: DEMO.pages.homes,
        name: "Home valuation",
        status: "ACTIVE",
        locale: "en_US",
        created_time: nowSeconds - 125 * 86_400,
        is_optimized_for_quality: true,
        questions: [
          { type: "FIRST_NAME" },
          { type: "LAST_NAME" },
          { type: "WORK_EMAIL" },
          { type: "PHONE" },
          { type: "STREET_ADDRESS" },
          { type: "CITY" },
          { type: "ZIP" },
          {
            type: "CUSTOM",
            key: "property_type",
            label: "Property type",
            options: [
              { key: "house", value: "House" },
              { key: "flat", value: "Flat" },
              { key: "land", value: "Land" },
            ],
          },
          { type: "CUSTOM", label: "When do you plan to sell?" },
        ],
        custom_disclaimer: {
          title: "Terms",
          body: { text: "By submitting you agree to be contacted by Bella Homes." },
          checkboxes: [
            { key: "terms", text: "I agree to the terms", is_required: true },
            { key: "newsletter", text: "Send me the newsletter", is_required: false },
          ],
        },
        privacy_policy: { url: "https://bella.example/privacy" },
        thank_you_page: { title: "We'll be in touch", body: "Expect your valuation within 48 hours.", button_type: "NONE" },
      },
      {
        id: DEMO.forms.archived,
        page_id: DEMO.pages.homes,
        name: "Every question type",
        status: "ARCHIVED",
        locale: "de_DE",
        created_time: nowSeconds - 200 * 86_400,
        questions: [
          { type: "EMAIL" },
          { type: "FULL_NAME" },
          { type: "FIRST_NAME" },
          { type: "LAST_NAME" },
          { type: "PHONE" },
          { type: "WORK_PHONE_NUMBER" },
          { type: "WORK_EMAIL" },
          { type: "COMPANY_NAME" },
          { type: "JOB_TITLE" },
          { type: "STREET_ADDRESS" },
          { type: "CITY" },
          { type: "STATE" },
          { type: "PROVINCE" },
          { type: "ZIP" },
          { type: "POST_CODE" },
          { type: "COUNTRY" },
          { type: "DOB" },
          { type: "GENDER" },
          { type: "MARITIAL_STATUS" },
          { type: "RELATIONSHIP_STATUS" },
          { type: "MILITARY_STATUS" },
          { type: "DATE_TIME" },
          { type: "ID_CPF" },
          { type: "CUSTOM", key: "comment", label: "Anything else?" },
        ],
      },
    ],
    ads: [
      { id: DEMO.ads.testDrive, adset_id: "6001", name: "Test drive ad (FB)", form_id: DEMO.forms.testDrive, status: "ACTIVE" },
      { id: DEMO.ads.testDriveIg, adset_id: "6001", name: "Test drive ad (IG)", form_id: DEMO.forms.testDrive, status: "ACTIVE" },
      { id: DEMO.ads.valuation, adset_id: "6002", name: "Valuation ad", form_id: DEMO.forms.valuation, status: "ACTIVE" },
    ],
    leads,
    tokens: [
      {
        token: DEMO.userToken,
        type: "USER",
        app_id: DEMO.appId,
        user_id: "2001",
        scopes: allScopes,
        expires_at: null,
        label: "Ann Admin (long-lived user)",
      },
      {
        token: DEMO.pageTokenCars,
        type: "PAGE",
        app_id: DEMO.appId,
        user_id: "2001",
        page_id: DEMO.pages.cars,
        scopes: allScopes,
        expires_at: null,
        label: "Acme Cars page token",
      },
      {
        token: DEMO.pageTokenHomes,
        type: "PAGE",
        app_id: DEMO.appId,
        user_id: "2001",
        page_id: DEMO.pages.homes,
        scopes: allScopes,
        expires_at: null,
        label: "Bella Homes page token",
      },
      {
        token: DEMO.analystToken,
        type: "USER",
        app_id: DEMO.appId,
        user_id: "2002",
        scopes: allScopes,
        expires_at: null,
        label: "Lee Leads (MANAGE_LEADS)",
      },
    ],
    // The demo app is installed on both pages so the README's webhook tour delivers as soon as
    // `leadgraph listen` subscribes it; the subscription itself is left to the user.
    subscribed_apps: [
      { page_id: DEMO.pages.cars, app_id: DEMO.appId, subscribed_fields: ["leadgen"] },
      { page_id: DEMO.pages.homes, app_id: DEMO.appId, subscribed_fields: ["leadgen"] },
    ],
    subscriptions: [],
  };
}
