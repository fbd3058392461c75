import type { WorldInput } from "../../src/world/world-schema.ts";
import { TEST_NOW } from "./harness.ts";
import { exampleWorld, SCOPES } from "./worlds.ts";

/** Text that breaks naive CSV/TSV writers: delimiters, quotes, line breaks, emoji, right-to-left. */
export const NASTY = [
  "tab\there",
  "comma, here",
  'quote " here',
  "line\nbreak",
  "crlf\r\nhere",
  "emoji 🚗👍🏽",
  "עברית שלום",
  "مرحبا بالعالم",
  '"',
  "",
  " lead space",
];

/**
 * The example world plus: a user with a role on the page but none on the ad account (Carl), leads
 * with hostile text, a test (ad-preview) lead with an ad, a lead older than retention and one
 * close to it, and a token that expires an hour after TEST_NOW.
 */
export function exportWorld(): WorldInput {
  const w = exampleWorld();
  w.users!.push({ id: "2003", name: "Carl Content" });
  w.pages![0]!.roles!.push({ user_id: "2003", tasks: ["MANAGE_LEADS", "ANALYZE"] });
  w.tokens!.push(
    { token: "EAAB-user-carl", type: "USER", app_id: "1001", user_id: "2003", scopes: SCOPES, expires_at: null },
    { token: "EAAB-user-ann-short", type: "USER", app_id: "1001", user_id: "2001", scopes: SCOPES, expires_at: TEST_NOW + 3600 },
  );
  NASTY.forEach((text, i) => {
    w.leads!.push({
      id: String(9500 + i),
      form_id: "8001",
      created_time: TEST_NOW - 86_400 * 2 - i * 60,
      platform: "fb",
      field_data: [
        { name: "full_name", values: [text] },
        { name: "email", values: [`n${i}@example.com`] },
      ],
    });
  });
  w.leads!.push(
    {
      id: "9601",
      form_id: "8001",
      ad_id: "7001",
      is_test: true,
      created_time: TEST_NOW - 86_400 * 3,
      platform: "fb",
      field_data: [{ name: "full_name", values: ["Preview Person"] }],
    },
    // Past the 90-day retention at TEST_NOW.
    {
      id: "9602",
      form_id: "8001",
      created_time: TEST_NOW - 86_400 * 100,
      platform: "fb",
      field_data: [{ name: "full_name", values: ["Old Lead"] }],
    },
    // Inside retention for two more days.
    {
      id: "9603",
      form_id: "8001",
      created_time: TEST_NOW - 86_400 * 88,
      platform: "fb",
      field_data: [{ name: "full_name", values: ["Almost Old"] }],
    },
  );
  return w;
}
