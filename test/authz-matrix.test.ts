import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appsecretProof } from "../src/domain/access/authenticate.ts";
import { admin, issue } from "./support/admin-client.ts";
import { accessWorld, ALL_SCOPES } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";

/** An expected answer: 200, or an error's HTTP status, code and subcode. */
interface Out {
  status: number;
  code?: number;
  subcode?: number;
  message?: RegExp;
}
const OK: Out = { status: 200 };
const E33: Out = { status: 400, code: 100, subcode: 33 };
const noToken: Out = { status: 400, code: 104 };
const malformed: Out = { status: 400, code: 190, message: /Cannot parse access token/ };
const expired: Out = { status: 400, code: 190, subcode: 463, message: /Session has expired on/ };
const inval = (subcode: number): Out => ({ status: 400, code: 190, subcode });
const scope = (s: string): Out => ({ status: 403, code: 200, message: new RegExp(`Requires ${s} permission`) });
const userDenied: Out = { status: 403, code: 200, message: /does not have permission to access leads/ };
const crmRevoked: Out = { status: 403, code: 200, message: /CRM access has been revoked from Lead Access Manager/ };
const proofMissing: Out = { status: 400, code: 100, message: /^API calls from the server require an appsecret_proof argument$/ };
const proofBad: Out = { status: 400, code: 100, message: /^Invalid appsecret_proof provided in the API argument$/ };
const meNoUser: Out = { status: 400, code: 2500 };
const noEdge: Out = { status: 400, code: 2500 };
const appMismatch: Out = { status: 400, code: 100, message: /did not match the Viewing App/ };

/**
 * One row per kind of caller. `page` is the answer for page-level reads (page, form, ad, page
 * leadgen_forms), `leads` for lead data (lead node, form leads, ad leads, ids=, batch item),
 * `adFields` whether ad-level fields appear when leads are readable.
 */
interface CallerCase {
  name: string;
  token?: string | ((t: Tokens) => string);
  proof?: string | ((t: Tokens) => string);
  page: Out;
  leads: Out;
  adFields?: boolean;
  /** Development-mode app: only lead 9003 is visible. */
  dev?: boolean;
  me: Out;
  accounts: Out | "empty";
  debug: Out;
}
type Tokens = Record<string, string>;
const same = (o: Out) => ({ page: o, leads: o, me: o, accounts: o, debug: o });

const CASES: CallerCase[] = [
  { name: "own page token", token: "EAAB-page-acme", page: OK, leads: OK, adFields: true, me: OK, accounts: noEdge, debug: OK },
  { name: "other page's token", token: "EAAB-page-other", page: E33, leads: E33, me: OK, accounts: noEdge, debug: OK },
  { name: "page admin (MANAGE), advertiser", token: "EAAB-user-ann", page: OK, leads: OK, adFields: true, me: OK, accounts: OK, debug: OK },
  {
    name: "MANAGE_LEADS user, no ad account role",
    token: "EAAB-user-lee",
    page: OK,
    leads: OK,
    adFields: false,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  { name: "ANALYZE user, ANALYST on the account", token: "EAAB-user-ana", page: OK, leads: userDenied, me: OK, accounts: OK, debug: OK },
  {
    name: "ADVERTISE-only user, ADMIN on the account",
    token: "EAAB-user-adv",
    page: OK,
    leads: userDenied,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  { name: "MODERATE/CREATE_CONTENT user", token: "EAAB-user-mod", page: OK, leads: userDenied, me: OK, accounts: OK, debug: OK },
  { name: "user with a role on another page only", token: "EAAB-user-bob", page: E33, leads: E33, me: OK, accounts: OK, debug: OK },
  {
    name: "system user (MANAGE_LEADS, ADVERTISER)",
    token: "EAAB-sys-user",
    page: OK,
    leads: OK,
    adFields: true,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  { name: "app token APP_ID|APP_SECRET", token: "1001|s3cr3t-acme", page: E33, leads: E33, me: meNoUser, accounts: meNoUser, debug: OK },
  {
    name: "app token from client_credentials",
    token: (t) => t.clientCredentials!,
    page: E33,
    leads: E33,
    me: meNoUser,
    accounts: meNoUser,
    debug: OK,
  },
  { name: "no token", page: noToken, leads: noToken, me: meNoUser, accounts: meNoUser, debug: noToken },
  { name: "unknown token", token: "EAABnot-a-real-token", ...same(malformed) },
  { name: "expired user token", token: "EAAB-expired-ann", ...same(expired) },
  { name: "invalidated: password changed (460)", token: (t) => t.pw!, ...same(inval(460)) },
  { name: "invalidated: app removed by the user (458)", token: (t) => t.removed!, ...same(inval(458)) },
  { name: "invalidated: revoked (467)", token: (t) => t.revoked!, ...same(inval(467)) },
  { name: "invalidated: page role removed (492)", token: (t) => t.roleGone!, ...same(inval(492)) },
  {
    name: "missing leads_retrieval",
    token: "EAAB-ann-no-leads_retrieval",
    page: OK,
    leads: scope("leads_retrieval"),
    me: OK,
    accounts: OK,
    debug: OK,
  },
  {
    name: "page token missing leads_retrieval",
    token: "EAAB-page-acme-noleads",
    page: OK,
    leads: scope("leads_retrieval"),
    me: OK,
    accounts: noEdge,
    debug: OK,
  },
  {
    name: "missing pages_show_list",
    token: "EAAB-ann-no-pages_show_list",
    page: OK,
    leads: scope("pages_show_list"),
    me: OK,
    accounts: "empty",
    debug: OK,
  },
  {
    name: "missing pages_read_engagement",
    token: "EAAB-ann-no-pages_read_engagement",
    page: OK,
    leads: { status: 403, code: 10, message: /^\(#10\) This endpoint requires the 'pages_read_engagement' permission/ },
    me: OK,
    accounts: OK,
    debug: OK,
  },
  {
    name: "missing ads_management (ad fields omitted)",
    token: "EAAB-ann-no-ads_management",
    page: OK,
    leads: OK,
    adFields: false,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  {
    name: "missing pages_manage_ads",
    token: "EAAB-ann-no-pages_manage_ads",
    page: OK,
    leads: OK,
    adFields: true,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  {
    name: "missing pages_manage_metadata",
    token: "EAAB-ann-no-pages_manage_metadata",
    page: OK,
    leads: OK,
    adFields: true,
    me: OK,
    accounts: OK,
    debug: OK,
  },
  {
    name: "app created before 2018-07-02 without leads_retrieval",
    token: "EAAB-old-ann-noleads",
    page: OK,
    leads: OK,
    adFields: true,
    me: OK,
    accounts: OK,
    debug: appMismatch,
  },
  {
    name: "development-mode app",
    token: "EAAB-dev-ann",
    page: OK,
    leads: OK,
    adFields: true,
    dev: true,
    me: OK,
    accounts: OK,
    debug: appMismatch,
  },
  { name: "app requiring proof, proof missing", token: "EAAB-proof-ann", ...same(proofMissing) },
  { name: "app requiring proof, wrong proof", token: "EAAB-proof-ann", proof: "0".repeat(64), ...same(proofBad) },
  {
    name: "app requiring proof, right proof",
    token: "EAAB-proof-ann",
    proof: appsecretProof("s3cr3t-proof", "EAAB-proof-ann"),
    page: OK,
    leads: OK,
    adFields: true,
    me: OK,
    accounts: OK,
    debug: appMismatch,
  },
  { name: "optional proof sent wrong", token: "EAAB-user-ann", proof: "abc", ...same(proofBad) },
];

const AD_FIELDS = ["ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name"];
const LEAD_FIELDS = `id,form_id,${AD_FIELDS.join(",")}`;

type Route = {
  name: string;
  kind: "page" | "leads" | "me" | "accounts" | "permissions" | "debug" | "oauth";
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  batch?: boolean;
};
const ROUTES: Route[] = [
  { name: "GET form", kind: "page", method: "GET", path: "/8001" },
  { name: "GET page", kind: "page", method: "GET", path: "/3001" },
  { name: "GET ad", kind: "page", method: "GET", path: "/7001" },
  { name: "GET page leadgen_forms", kind: "page", method: "GET", path: "/3001/leadgen_forms" },
  {
    name: "GET page access_token,has_lead_access",
    kind: "page",
    method: "GET",
    path: "/3001",
    query: { fields: "access_token,has_lead_access" },
  },
  { name: "GET lead", kind: "leads", method: "GET", path: "/9001", query: { fields: LEAD_FIELDS } },
  { name: "GET form leads", kind: "leads", method: "GET", path: "/8001/leads", query: { fields: LEAD_FIELDS } },
  { name: "GET ad leads", kind: "leads", method: "GET", path: "/7001/leads", query: { fields: LEAD_FIELDS } },
  { name: "GET ids=", kind: "leads", method: "GET", path: "/", query: { ids: "9001", fields: LEAD_FIELDS } },
  { name: "batch item", kind: "leads", method: "POST", path: "/", batch: true },
  { name: "GET me", kind: "me", method: "GET", path: "/me" },
  { name: "GET me/accounts", kind: "accounts", method: "GET", path: "/me/accounts" },
  { name: "GET me/permissions", kind: "permissions", method: "GET", path: "/me/permissions" },
  {
    name: "GET oauth/access_token (the caller's token plays no part)",
    kind: "oauth",
    method: "GET",
    path: "/oauth/access_token",
    query: { grant_type: "client_credentials", client_id: "1001", client_secret: "s3cr3t-acme" },
  },
  { name: "GET debug_token", kind: "debug", method: "GET", path: "/debug_token", query: { input_token: "EAAB-user-ann" } },
];

describe.each(databaseKinds())("authorization matrix (%s)", (kind) => {
  let h: Harness;
  const tokens: Tokens = {};
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
    const cc = await h.graph("GET", "/oauth/access_token", {
      query: { grant_type: "client_credentials", client_id: "1001", client_secret: "s3cr3t-acme" },
    });
    tokens.clientCredentials = cc.body.access_token;
    const pat = (extra: Record<string, unknown> = {}) =>
      issue(h, { type: "USER", app_id: "1001", user_id: "2008", scopes: ALL_SCOPES, long_lived: true, ...extra });
    tokens.revoked = await pat();
    tokens.removed = await pat({ app_id: "1004" });
    tokens.roleGone = await issue(h, {
      type: "PAGE",
      app_id: "1001",
      user_id: "2008",
      page_id: "3001",
      scopes: ALL_SCOPES,
      long_lived: true,
    });
    tokens.pw = await pat();
    const list = await admin(h, "GET", "/tokens?user_id=2008&app_id=1001&type=USER");
    // Ids are time-ordered: the first USER token issued for Pat on app 1001 is `tokens.revoked`.
    const ids = list.body.data.map((t: { id: string }) => t.id).sort();
    expect(ids).toHaveLength(2);
    expect((await admin(h, "DELETE", `/tokens/${ids[0]}`)).body.revoked).toBe(true);
    expect((await admin(h, "DELETE", "/users/2008/apps/1004")).body.tokens_invalidated).toBe(1);
    expect((await admin(h, "DELETE", "/pages/3001/roles/2008")).body.tokens_invalidated).toBe(1);
    expect((await admin(h, "POST", "/users/2008/password_change")).body.tokens_invalidated).toBe(1);
  });
  afterAll(async () => h?.close());

  async function call(c: CallerCase, r: Route) {
    const token = typeof c.token === "function" ? c.token(tokens) : c.token;
    const proof = typeof c.proof === "function" ? c.proof(tokens) : c.proof;
    const query: Record<string, string> = { ...(r.query ?? {}) };
    if (proof !== undefined) query.appsecret_proof = proof;
    if (r.batch) {
      const body: Record<string, string> = { batch: JSON.stringify([{ method: "GET", relative_url: `9001?fields=${LEAD_FIELDS}` }]) };
      if (token !== undefined) body.access_token = token;
      if (proof !== undefined) body.appsecret_proof = proof;
      const res = await h.graph("POST", "/", { body });
      if (res.status !== 200) return res;
      const item = res.body[0];
      return { status: item.code as number, body: JSON.parse(item.body), headers: {} };
    }
    return h.graph(r.method, r.path, { query, ...(token !== undefined ? { token } : {}) });
  }

  const rows = CASES.flatMap((c) => ROUTES.map((r) => [`${c.name} × ${r.name}`, c, r] as const));
  it.each(rows)("%s", async (_n, c, r) => {
    const res = await call(c, r);
    // Development-mode apps cannot see other people's leads at all: a single-lead read is 100/33.
    const expected =
      r.kind === "oauth"
        ? OK
        : r.kind === "permissions"
          ? c.accounts === "empty"
            ? OK
            : c.accounts
          : c.dev && r.kind === "leads" && !r.path.endsWith("/leads")
            ? E33
            : c[r.kind];
    if (expected === "empty") {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [] });
      return;
    }
    if (expected.status !== 200) {
      expect({ status: res.status, code: res.body.error?.code, subcode: res.body.error?.error_subcode }).toEqual({
        status: expected.status,
        code: expected.code,
        subcode: expected.subcode,
      });
      if (expected.message) expect(res.body.error.message).toMatch(expected.message);
      if (expected.code === 190 || expected.code === 104) {
        if (!r.batch) expect(String(res.headers["www-authenticate"])).toMatch(/^OAuth "Facebook Platform" "invalid_(token|request)"/);
      }
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (r.kind === "oauth") expect(res.body.access_token).toMatch(/^1001\|/);
    if (r.query?.fields === "access_token,has_lead_access") {
      expect(res.body.access_token).toMatch(/^EAAB/);
      expect(res.body.has_lead_access.page_id).toBe("3001");
    }
    if (r.kind !== "leads") return;
    const leads: Record<string, unknown>[] =
      r.path === "/" && !r.batch ? [res.body["9001"]].filter(Boolean) : Array.isArray(res.body.data) ? res.body.data : [res.body];
    if (c.dev) expect(leads.map((l) => l.id)).toEqual(["9003"]);
    const withAd = leads.find((l) => l.id === "9001" || l.id === "9003")!;
    expect(withAd).toBeDefined();
    for (const f of AD_FIELDS) expect(f in withAd, f).toBe(c.adFields === true);
  });
});

/** Page 3003 has a customised Leads Access Manager: only Ann (2001) and Acme CRM (1001) are assigned. */
const LAM_CASES: [string, string, Out][] = [
  ["assigned user through an assigned app", "EAAB-user-ann", OK],
  ["assigned user's page token", "EAAB-page-guarded", OK],
  ["MANAGE_LEADS user not assigned", "EAAB-lam-lee", userDenied],
  ["assigned user through an unassigned app (CRM revoked)", "EAAB-old-ann-noleads", crmRevoked],
  ["assigned user through an unassigned development-mode app", "EAAB-dev-ann", crmRevoked],
  ["user without a role on the page", "EAAB-user-bob", E33],
  ["another page's token", "EAAB-page-acme", E33],
];
const LAM_ROUTES: [string, string][] = [
  ["GET lead", "/9010"],
  ["GET form leads", "/8003/leads"],
  ["GET ids=", "/"],
];

describe.each(databaseKinds())("authorization matrix, Leads Access Manager customised (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
  });
  afterAll(async () => h?.close());

  const rows = LAM_CASES.flatMap(([n, token, out]) => LAM_ROUTES.map(([rn, path]) => [`${n} × ${rn}`, token, path, out] as const));
  it.each(rows)("%s", async (_n, token, path, out) => {
    const res = await h.graph("GET", path, { token, query: path === "/" ? { ids: "9010" } : {} });
    if (out.status === 200) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const ids =
        path === "/"
          ? Object.keys(res.body)
          : Array.isArray(res.body.data)
            ? res.body.data.map((l: { id: string }) => l.id)
            : [res.body.id];
      expect(ids).toEqual(["9010"]);
      return;
    }
    expect({ status: res.status, code: res.body.error?.code, subcode: res.body.error?.error_subcode }).toEqual({
      status: out.status,
      code: out.code,
      subcode: out.subcode,
    });
    if (out.message) expect(res.body.error.message).toMatch(out.message);
  });
});
