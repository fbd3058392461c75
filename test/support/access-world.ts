import type { WorldInput } from "../../src/world/world-schema.ts";
import { TEST_NOW } from "./harness.ts";
import { exampleWorld, SCOPES } from "./worlds.ts";

export const ALL_SCOPES = SCOPES;
export const without = (scope: string) => SCOPES.filter((s) => s !== scope);

/**
 * exampleWorld plus the people, apps and tokens the authorization matrix needs: one user per page
 * task, ad account roles from ADMIN to none, a development-mode app, an app that requires
 * appsecret_proof, an app created before 2018-07-02 and a page whose Leads Access Manager is customised.
 */
export function accessWorld(): WorldInput {
  const w = exampleWorld();
  w.apps!.push(
    {
      id: "1002",
      name: "Dev App",
      secret: "s3cr3t-dev",
      mode: "development",
      created_time: "2020-01-01T00:00:00+0000",
      roles: [
        { user_id: "2006", role: "tester" },
        { user_id: "2001", role: "administrator" },
      ],
    },
    { id: "1003", name: "Proof App", secret: "s3cr3t-proof", require_appsecret_proof: true, created_time: "2020-01-01T00:00:00+0000" },
    { id: "1004", name: "Old App", secret: "s3cr3t-old", created_time: "2017-01-01T00:00:00+0000" },
  );
  w.users!.push(
    { id: "2003", name: "Lee Leads" },
    { id: "2004", name: "Ana Analyst" },
    { id: "2005", name: "Adam Advertiser" },
    { id: "2006", name: "Dee Developer" },
    { id: "2007", name: "Mo Moderator" },
    { id: "2008", name: "Pat Invalidated" },
    { id: "2009", name: "Sys User" },
  );
  const acme = w.pages![0]!;
  acme.roles!.push(
    { user_id: "2003", tasks: ["MANAGE_LEADS", "ANALYZE"] },
    { user_id: "2004", tasks: ["ANALYZE"] },
    { user_id: "2005", tasks: ["ADVERTISE"] },
    { user_id: "2007", tasks: ["MODERATE", "CREATE_CONTENT"] },
    { user_id: "2008", tasks: ["MANAGE"] },
    { user_id: "2009", tasks: ["MANAGE_LEADS", "ADVERTISE"] },
  );
  w.pages!.push({
    id: "3003",
    name: "Guarded Page",
    category: "Business",
    roles: [
      { user_id: "2001", tasks: ["MANAGE"] },
      { user_id: "2003", tasks: ["MANAGE_LEADS"] },
    ],
    lead_access: { user_ids: ["2001"], app_ids: ["1001"] },
  });
  w.ad_accounts![0]!.users!.push(
    { user_id: "2004", role: "ANALYST" },
    { user_id: "2005", role: "ADMIN" },
    { user_id: "2009", role: "ADVERTISER" },
  );
  w.forms!.push({
    id: "8003",
    page_id: "3003",
    name: "Guarded form",
    questions: [{ type: "EMAIL" }],
    created_time: "2026-06-01T00:00:00+0000",
  });
  w.leads!.push(
    {
      id: "9003",
      form_id: "8001",
      ad_id: "7001",
      created_time: "2026-11-22T10:00:00+0000",
      submitted_by: "2006",
      field_data: [{ name: "full_name", values: ["Dee Developer"] }],
    },
    { id: "9010", form_id: "8003", created_time: "2026-11-22T10:00:00+0000", field_data: [{ name: "email", values: ["g@example.com"] }] },
  );
  const user = (token: string, userId: string, appId = "1001", scopes = SCOPES) => ({
    token,
    type: "USER" as const,
    app_id: appId,
    user_id: userId,
    scopes,
    expires_at: null,
  });
  w.tokens!.push(
    user("EAAB-user-lee", "2003"),
    user("EAAB-user-ana", "2004"),
    user("EAAB-user-adv", "2005"),
    user("EAAB-user-mod", "2007"),
    ...SCOPES.map((s) => user(`EAAB-ann-no-${s}`, "2001", "1001", without(s))),
    {
      token: "EAAB-page-acme-noleads",
      type: "PAGE",
      app_id: "1001",
      user_id: "2001",
      page_id: "3001",
      scopes: without("leads_retrieval"),
      expires_at: null,
    },
    user("EAAB-dev-ann", "2001", "1002"),
    user("EAAB-proof-ann", "2001", "1003"),
    user("EAAB-old-ann-noleads", "2001", "1004", without("leads_retrieval")),
    { token: "EAAB-sys-user", type: "SYSTEM_USER", app_id: "1001", user_id: "2009", scopes: SCOPES, expires_at: null },
    {
      token: "EAAB-expired-ann",
      type: "USER",
      app_id: "1001",
      user_id: "2001",
      scopes: SCOPES,
      expires_at: TEST_NOW - 10,
      issued_at: TEST_NOW - 3610,
    },
    user("EAAB-lam-lee", "2003"),
    { token: "EAAB-page-guarded", type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3003", scopes: SCOPES, expires_at: null },
  );
  return w;
}
