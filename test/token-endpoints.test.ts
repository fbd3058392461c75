import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appsecretProof } from "../src/domain/access/authenticate.ts";
import { assertCanManagePageApps } from "../src/domain/access/checks.ts";
import { appMaySeeLead } from "../src/domain/access/lead-access.ts";
import { EXCHANGED_EXPIRES_IN } from "../src/domain/access/token-lifetimes.ts";
import { admin, issue } from "./support/admin-client.ts";
import { accessWorld, ALL_SCOPES, without } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";

describe.each(databaseKinds())("token endpoints (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
  });
  afterAll(async () => h?.close());
  const now = () => Math.floor(h.clock.nowMs() / 1000);
  const debug = async (input: string, caller = "1001|s3cr3t-acme") =>
    (await h.graph("GET", "/debug_token", { token: caller, query: { input_token: input } })).body;

  describe("GET|POST /oauth/access_token", () => {
    it("client_credentials gives an APP_ID|… app token that works like the literal one", async () => {
      const res = await h.graph("POST", "/oauth/access_token", {
        body: { grant_type: "client_credentials", client_id: "1001", client_secret: "s3cr3t-acme" },
      });
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe("bearer");
      expect(res.body.access_token).toMatch(/^1001\|[A-Za-z0-9]{20,}$/);
      expect(res.body.access_token).not.toContain("s3cr3t-acme");
      const d = await debug("EAAB-user-ann", res.body.access_token);
      expect(d.data.is_valid).toBe(true);
      expect((await debug(res.body.access_token)).data).toMatchObject({
        app_id: "1001",
        type: "APP",
        application: "Acme CRM",
        is_valid: true,
      });
    });

    it.each([
      [{ client_secret: "x" }, 101, /^Missing client_id parameter\.$/],
      [{ client_id: "999", client_secret: "x" }, 101, /Invalid application ID/],
      [{ client_id: "1001" }, 101, /^Missing client_secret parameter\.$/],
      [{ client_id: "1001", client_secret: "wrong-secret" }, 1, /^Error validating client secret\.$/],
      [{ client_id: "1001", client_secret: "s3cr3t-acme", grant_type: "password" }, 100, /grant_type must be one of/],
    ])("rejects %j with code %i", async (query, code, message) => {
      const res = await h.graph("GET", "/oauth/access_token", { query: { grant_type: "client_credentials", ...query } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.type).toBe("OAuthException");
    });

    it("exchanges a short-lived user token for a ~60-day one; the expired one cannot be exchanged", async () => {
      const short = await issue(h, { type: "USER", app_id: "1001", user_id: "2001", scopes: ALL_SCOPES });
      const d0 = (await debug(short)).data;
      expect(d0.expires_at).toBe(now() + 3600);
      const q = { grant_type: "fb_exchange_token", client_id: "1001", client_secret: "s3cr3t-acme", fb_exchange_token: short };
      const res = await h.graph("GET", "/oauth/access_token", { query: q });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: "bearer", expires_in: EXCHANGED_EXPIRES_IN });
      expect(res.body.access_token).toMatch(/^EAAB[A-Za-z0-9]{100,}$/);
      const d1 = (await debug(res.body.access_token)).data;
      expect(d1).toMatchObject({
        type: "USER",
        user_id: "2001",
        is_valid: true,
        expires_at: now() + EXCHANGED_EXPIRES_IN,
        scopes: ALL_SCOPES,
      });

      const other = await h.graph("GET", "/oauth/access_token", { query: { ...q, client_id: "1004", client_secret: "s3cr3t-old" } });
      expect(other.body.error).toMatchObject({ code: 190 });

      h.clock.advance(2 * 3600 * 1000);
      try {
        const late = await h.graph("GET", "/oauth/access_token", { query: q });
        expect(late.status).toBe(400);
        expect(late.body.error).toMatchObject({ code: 190, error_subcode: 463 });
        expect(late.body.error.message).toMatch(
          /^Error validating access token: Session has expired on \w+day, \d\d-\w{3}-\d\d \d\d:\d\d:\d\d P[DS]T\. The current time is /,
        );
        // The long-lived one still works after the short one expired.
        expect((await h.graph("GET", "/me", { token: res.body.access_token })).body).toEqual({ name: "Ann Admin", id: "2001" });
      } finally {
        h.clock.set(TEST_NOW * 1000);
      }
    });
  });

  describe("page tokens", () => {
    it("from a short-lived user token expire with it; from a long-lived one never", async () => {
      const short = await issue(h, { type: "USER", app_id: "1001", user_id: "2001", scopes: ALL_SCOPES });
      const long = await issue(h, { type: "USER", app_id: "1001", user_id: "2001", scopes: ALL_SCOPES, long_lived: true });
      const fromShort = await h.graph("GET", "/3001", { token: short, query: { fields: "access_token" } });
      expect(Object.keys(fromShort.body)).toEqual(["access_token", "id"]);
      expect(fromShort.body.id).toBe("3001");
      const ds = (await debug(fromShort.body.access_token)).data;
      expect(ds).toMatchObject({ type: "PAGE", profile_id: "3001", user_id: "2001", expires_at: now() + 3600, is_valid: true });
      const fromLong = await h.graph("GET", "/3001", { token: long, query: { fields: "access_token" } });
      const dl = (await debug(fromLong.body.access_token)).data;
      expect(dl).toMatchObject({ type: "PAGE", profile_id: "3001", expires_at: 0, is_valid: true });
      // The page token reads the page's leads.
      const lead = await h.graph("GET", "/9001", { token: fromLong.body.access_token });
      expect(lead.status).toBe(200);
      expect(lead.body.ad_id).toBe("7001");
      // A system user's page tokens never expire either.
      const sys = await h.graph("GET", "/3001", { token: "EAAB-sys-user", query: { fields: "access_token" } });
      expect((await debug(sys.body.access_token)).data.expires_at).toBe(0);
    });

    it("/me/accounts lists the person's pages with tokens, category_list and tasks, paged", async () => {
      const res = await h.graph("GET", "/me/accounts", { token: "EAAB-user-ann" });
      expect(res.status).toBe(200);
      expect(res.body.data.map((p: { id: string }) => p.id).sort()).toEqual(["3001", "3003"]);
      const acme = res.body.data.find((p: { id: string }) => p.id === "3001");
      expect(Object.keys(acme)).toEqual(["access_token", "category", "category_list", "name", "id", "tasks"]);
      expect(acme).toMatchObject({
        category: "Car Dealership",
        name: "Acme Cars",
        tasks: ["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"],
      });
      expect(acme.category_list).toEqual([{ id: expect.stringMatching(/^\d+$/), name: "Car Dealership" }]);
      expect((await h.graph("GET", "/me", { token: acme.access_token })).body).toEqual({ name: "Acme Cars", id: "3001" });

      const p1 = await h.graph("GET", "/2001/accounts", { token: "EAAB-user-ann", query: { limit: "1", fields: "name,id" } });
      expect(p1.body.data).toHaveLength(1);
      expect(p1.body.paging.next).toMatch(/^http:\/\/leadgraph\.test\/v25\.0\/2001\/accounts\?access_token=EAAB-user-ann&/);
      const next = new URL(p1.body.paging.next);
      const p2 = await h.graph("GET", next.pathname, { query: Object.fromEntries(next.searchParams) });
      expect(p2.body.data).toHaveLength(1);
      expect(p2.body.data[0].id).not.toBe(p1.body.data[0].id);
      expect(p2.body.paging.next).toBeUndefined();
      // Someone else's accounts: 100/33.
      const bob = await h.graph("GET", "/2001/accounts", { token: "EAAB-user-bob" });
      expect(bob.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    });

    it("/me/permissions lists the token's scopes as granted", async () => {
      const res = await h.graph("GET", "/me/permissions", { token: "EAAB-ann-no-ads_management" });
      expect(res.body).toEqual({ data: [...without("ads_management")].sort().map((permission) => ({ permission, status: "granted" })) });
    });
  });

  describe("GET /debug_token", () => {
    it("describes a page token", async () => {
      const d = (await debug("EAAB-page-acme")).data;
      expect(d).toMatchObject({
        app_id: "1001",
        type: "PAGE",
        application: "Acme CRM",
        expires_at: 0,
        is_valid: true,
        scopes: ALL_SCOPES,
        user_id: "2001",
        profile_id: "3001",
      });
      expect(typeof d.issued_at).toBe("number");
      expect(typeof d.data_access_expires_at).toBe("number");
      expect(d.granular_scopes).toContainEqual({ scope: "leads_retrieval", target_ids: ["3001"] });
      expect(d.granular_scopes).toContainEqual({ scope: "ads_management" });
    });
    it("answers is_valid:false with the error for expired and unknown tokens", async () => {
      const exp = (await debug("EAAB-expired-ann")).data;
      expect(exp).toMatchObject({ is_valid: false, type: "USER", app_id: "1001", error: { code: 190, subcode: 463 } });
      expect(exp.expires_at).toBe(TEST_NOW - 10);
      const unknown = (await debug("EAABnothing-here")).data;
      expect(unknown).toEqual({
        error: { code: 190, message: "Invalid OAuth access token - Cannot parse access token" },
        is_valid: false,
        scopes: [],
      });
    });
    it("needs input_token, and only the token's own app may inspect it", async () => {
      const res = await h.graph("GET", "/debug_token", { token: "1001|s3cr3t-acme" });
      expect(res.body.error).toMatchObject({ code: 100, message: "(#100) The parameter input_token is required." });
      const other = await h.graph("GET", "/debug_token", { token: "1004|s3cr3t-old", query: { input_token: "EAAB-user-ann" } });
      expect(other.body.error).toMatchObject({ code: 100 });
    });
  });

  describe("Page.has_lead_access", () => {
    it("explains the caller's access and other people's via .user_id().app_id()", async () => {
      const me = await h.graph("GET", "/3001", { token: "EAAB-user-ann", query: { fields: "has_lead_access" } });
      expect(me.body.has_lead_access).toEqual({
        app_has_leads_permission: true,
        can_access_lead: true,
        enabled_lead_access_manager: false,
        is_page_admin: true,
        page_id: "3001",
        user_has_leads_permission: true,
        user_id: "2001",
      });
      const ana = await h.graph("GET", "/3001", { token: "EAAB-user-ann", query: { fields: "has_lead_access.user_id(2004)" } });
      expect(ana.body.has_lead_access).toMatchObject({
        can_access_lead: false,
        user_has_leads_permission: false,
        is_page_admin: false,
        user_id: "2004",
      });
      expect(ana.body.has_lead_access.failure_reason).toMatch(/MANAGE_LEADS/);
      expect(ana.body.has_lead_access.failure_resolution).toMatch(/MANAGE_LEADS/);
      const crm = await h.graph("GET", "/3003", { token: "EAAB-user-ann", query: { fields: "has_lead_access.app_id(1004)" } });
      expect(crm.body.has_lead_access).toMatchObject({
        app_has_leads_permission: false,
        user_has_leads_permission: true,
        can_access_lead: false,
        enabled_lead_access_manager: true,
      });
      expect(crm.body.has_lead_access.failure_reason).toMatch(/CRM access has been revoked/);
      const bad = await h.graph("GET", "/3001", { token: "EAAB-user-ann", query: { fields: "has_lead_access.page(1)" } });
      expect(bad.body.error.code).toBe(100);
    });
  });

  describe("Leads Access Manager through the admin API", () => {
    it("revoking a CRM makes its reads fail; assigning it again restores them", async () => {
      expect((await h.graph("GET", "/9010", { token: "EAAB-user-ann" })).status).toBe(200);
      const rev = await admin(h, "DELETE", "/pages/3003/lead_access/apps/1001");
      expect(rev.body.lead_access).toEqual({ user_ids: ["2001"], app_ids: [] });
      const denied = await h.graph("GET", "/8003/leads", { token: "EAAB-user-ann" });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(/^\(#200\) CRM access has been revoked from Lead Access Manager/);
      await admin(h, "PUT", "/pages/3003/lead_access/apps/1001");
      expect((await h.graph("GET", "/9010", { token: "EAAB-user-ann" })).status).toBe(200);
    });
    it("customising a never-customised page one app at a time keeps everyone else's access", async () => {
      const res = await admin(h, "DELETE", "/pages/3001/lead_access/apps/1004");
      expect(res.body.lead_access.app_ids).not.toContain("1004");
      expect(res.body.lead_access.user_ids.sort()).toEqual(["2001", "2003", "2008", "2009"]);
      expect((await h.graph("GET", "/9001", { token: "EAAB-user-ann" })).status).toBe(200);
      expect((await h.graph("GET", "/9001", { token: "EAAB-old-ann-noleads" })).body.error.message).toMatch(/CRM access has been revoked/);
      await admin(h, "DELETE", "/pages/3001/lead_access");
      expect((await h.graph("GET", "/9001", { token: "EAAB-old-ann-noleads" })).status).toBe(200);
    });
  });

  describe("checks other routes reuse", () => {
    it("advertising needs a page token, the ADVERTISE task and pages_manage_ads", async () => {
      const policy = h.runtime.services.policy;
      const as = (token: string) => policy.authenticate({ token, appsecretProof: undefined });
      await expect(policy.assertCanAdvertiseOnPage(await as("EAAB-page-acme"), "3001", "3001")).resolves.toBeUndefined();
      await expect(policy.assertCanAdvertiseOnPage(await as("EAAB-user-ann"), "3001", "3001")).rejects.toMatchObject({
        code: 190,
        message: "(#190) This method must be called with a Page Access Token",
      });
      await expect(policy.assertCanAdvertiseOnPage(await as("EAAB-user-bob"), "3001", "3001")).rejects.toMatchObject({
        code: 100,
        subcode: 33,
      });
      const mod = await issue(h, { type: "PAGE", app_id: "1001", user_id: "2007", page_id: "3001", scopes: ALL_SCOPES, long_lived: true });
      await expect(policy.assertCanAdvertiseOnPage(await as(mod), "3001", "3001")).rejects.toMatchObject({
        code: 200,
        message: "(#200) Requires the ADVERTISE task on the Page",
      });
      const noAds = await issue(h, {
        type: "PAGE",
        app_id: "1001",
        user_id: "2001",
        page_id: "3001",
        scopes: without("pages_manage_ads"),
        long_lived: true,
      });
      await expect(policy.assertCanAdvertiseOnPage(await as(noAds), "3001", "3001")).rejects.toMatchObject({
        code: 200,
        message: "(#200) Requires pages_manage_ads permission to manage the object",
      });
    });
    it("page app installs need a page token with pages_manage_metadata and MODERATE", async () => {
      const policy = h.runtime.services.policy;
      const store = h.runtime.services.store;
      const as = (token: string) => policy.authenticate({ token, appsecretProof: undefined });
      await expect(assertCanManagePageApps(store, await as("EAAB-page-acme"), "3001")).resolves.toBeUndefined();
      const noMeta = await issue(h, {
        type: "PAGE",
        app_id: "1001",
        user_id: "2001",
        page_id: "3001",
        scopes: without("pages_manage_metadata"),
        long_lived: true,
      });
      await expect(assertCanManagePageApps(store, await as(noMeta), "3001")).rejects.toMatchObject({ code: 200 });
      await expect(assertCanManagePageApps(store, await as("EAAB-page-other"), "3001")).rejects.toMatchObject({ code: 100, subcode: 33 });
    });
    it("appMaySeeLead: development-mode apps see their role users' leads and their test leads", () => {
      const roles = [{ userId: "2006" }];
      expect(appMaySeeLead({ mode: "live" }, [], { submitterUserId: null, isTest: false })).toBe(true);
      expect(appMaySeeLead({ mode: "development" }, roles, { submitterUserId: "2006", isTest: false })).toBe(true);
      expect(appMaySeeLead({ mode: "development" }, roles, { submitterUserId: "2001", isTest: false })).toBe(false);
      expect(appMaySeeLead({ mode: "development" }, roles, { submitterUserId: null, isTest: true, createdByUserId: "2006" })).toBe(true);
      expect(appMaySeeLead({ mode: "development" }, roles, { submitterUserId: null, isTest: true, createdByUserId: null })).toBe(false);
    });
  });

  describe("appsecret_proof", () => {
    it("is accepted in the query or the body, in any hex case", async () => {
      const proof = appsecretProof("s3cr3t-proof", "EAAB-proof-ann");
      expect((await h.graph("GET", "/me", { token: "EAAB-proof-ann", query: { appsecret_proof: proof.toUpperCase() } })).status).toBe(200);
      const post = await h.graph("POST", "/me", { body: { access_token: "EAAB-proof-ann", appsecret_proof: proof, method: "get" } });
      expect(post.status).toBe(200);
      const user = await h.graph("GET", "/me", { token: "EAAB-proof-ann" });
      expect(user.body.error).toMatchObject({
        type: "GraphMethodException",
        code: 100,
        message: "API calls from the server require an appsecret_proof argument",
      });
      expect(user.body.error.error_subcode).toBeUndefined();
    });
  });

  describe("invalidation messages", () => {
    it.each([
      ["revoke", 467, "Error validating access token: The access token is invalid since the user logged out or the token was revoked."],
      [
        "password",
        460,
        "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
      ],
      ["role", 492, "Error validating access token: The session is invalid because the user does not have a role on the page."],
      ["app", 458, "Error validating access token: The user has not authorized application."],
    ])("%s → 190/%i with Meta's message", async (what, subcode, message) => {
      await admin(h, "POST", "/users", { id: "2100", name: "Tmp" }).catch(() => undefined);
      await admin(h, "PUT", "/pages/3002/roles/2100", { tasks: ["MANAGE"] });
      const tok = await issue(h, {
        type: what === "role" ? "PAGE" : "USER",
        app_id: "1001",
        user_id: "2100",
        ...(what === "role" ? { page_id: "3002" } : {}),
        scopes: ALL_SCOPES,
        long_lived: true,
      });
      const id = (await admin(h, "POST", "/tokens/debug", { access_token: tok })).body.data.issued_at;
      expect(typeof id).toBe("number");
      if (what === "revoke") {
        const list = await admin(h, "GET", "/tokens?user_id=2100");
        const valid = list.body.data.filter((t: { is_valid: boolean }) => t.is_valid);
        for (const t of valid) await admin(h, "DELETE", `/tokens/${t.id}`);
      } else if (what === "password") await admin(h, "POST", "/users/2100/password_change");
      else if (what === "role") await admin(h, "DELETE", "/pages/3002/roles/2100");
      else await admin(h, "DELETE", "/users/2100/apps/1001");
      const res = await h.graph("GET", "/me", { token: tok });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 190, error_subcode: subcode, message, type: "OAuthException" });
      expect(res.headers["www-authenticate"]).toBe(`OAuth "Facebook Platform" "invalid_token" "${message}"`);
    });
  });
});
