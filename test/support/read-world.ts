import type { WorldInput } from "../../src/world/world-schema.ts";
import { TEST_NOW } from "./harness.ts";
import { exampleWorld, SCOPES } from "./worlds.ts";

export const DAY = 86_400;

/**
 * The example world with `extra` paid/organic leads on form 8001, two leads past the 90-day
 * retention, a page-role user without an ad-account role (Carl) and an ANALYST (Dana).
 */
export function readWorld(extra = 60): WorldInput {
  const w = exampleWorld(extra);
  w.users!.push({ id: "2003", name: "Carl Page-only" }, { id: "2004", name: "Dana Analyst" });
  w.pages![0]!.roles!.push({ user_id: "2003", tasks: ["MANAGE"] }, { user_id: "2004", tasks: ["MANAGE"] });
  w.ad_accounts![0]!.users!.push({ user_id: "2004", role: "ANALYST" });
  w.tokens!.push(
    { token: "EAAB-user-carl", type: "USER", app_id: "1001", user_id: "2003", scopes: SCOPES, expires_at: null },
    { token: "EAAB-user-dana", type: "USER", app_id: "1001", user_id: "2004", scopes: SCOPES, expires_at: null },
    { token: "EAAB-expired-1", type: "USER", app_id: "1001", user_id: "2001", scopes: SCOPES, expires_at: TEST_NOW - 60 },
  );
  w.leads!.push(
    {
      id: "9901",
      form_id: "8001",
      ad_id: "7001",
      created_time: TEST_NOW - 91 * DAY,
      field_data: [{ name: "email", values: ["old@example.com"] }],
    },
    { id: "9902", form_id: "8001", created_time: TEST_NOW - 200 * DAY, field_data: [{ name: "email", values: ["older@example.com"] }] },
    {
      id: "9903",
      form_id: "8001",
      ad_id: "7001",
      created_time: TEST_NOW - 89 * DAY,
      platform: "ig",
      partner_name: "Acme Partner",
      retailer_item_id: "sku-1",
      field_data: [{ name: "email", values: ["edge@example.com"] }],
      custom_disclaimer_responses: [{ checkbox_key: "optional_1", is_checked: "" }],
    },
  );
  return w;
}

/** Leads of form 8001 readable at TEST_NOW: the two seed leads, the extra ones and 9903. */
export const visibleLeadCount = (extra: number) => extra + 3;
