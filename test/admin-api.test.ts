import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin } from "./support/admin-client.ts";
import { accessWorld, ALL_SCOPES } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";

describe.each(databaseKinds())("administration API (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
  });
  afterAll(async () => h?.close());

  it("needs the admin key", async () => {
    const res = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/apps" });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe(190);
    const wrong = await h.app.inject({ method: "GET", url: "/_leadgraph/admin/apps", headers: { authorization: "Bearer nope" } });
    expect(wrong.statusCode).toBe(401);
  });

  describe("apps", () => {
    it("creates an app with a generated secret shown once, sealed at rest", async () => {
      const res = await admin(h, "POST", "/apps", { name: "New CRM", mode: "development", require_appsecret_proof: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "New CRM", mode: "development", require_appsecret_proof: true, roles: [] });
      expect(res.body.id).toMatch(/^\d{15,}$/);
      expect(res.body.secret).toMatch(/^[0-9a-f]{32}$/);
      const got = await admin(h, "GET", `/apps/${res.body.id}`);
      expect(got.body.secret).toBeUndefined();
      expect(JSON.stringify(got.body)).not.toContain(res.body.secret);
      const row = await sql<{ secret_enc: string }>`select secret_enc from apps where id = ${res.body.id}`.execute(h.runtime.connection.db);
      expect(row.rows[0]!.secret_enc).not.toContain(res.body.secret);
      // The secret works for client_credentials.
      const cc = await h.graph("GET", "/oauth/access_token", {
        query: { grant_type: "client_credentials", client_id: res.body.id, client_secret: res.body.secret },
      });
      expect(cc.status).toBe(200);
      // A given secret is never echoed.
      const given = await admin(h, "POST", "/apps", { id: "1500", name: "Given", secret: "given-secret-1" });
      expect(given.body.secret).toBeUndefined();
      expect((await admin(h, "POST", "/apps", { id: "1500", name: "Again" })).status).toBe(409);
    });

    it("validates input naming the field", async () => {
      const cases: [unknown, RegExp][] = [
        [{ mode: "live" }, /^\(#100\) Param name is required$/],
        [{ name: "x", mode: "weird" }, /^\(#100\) Param mode must be one of live, development$/],
        [{ name: "x", colour: "red" }, /^\(#100\) Param colour is not a known field$/],
        [{ name: "x", roles: [{ user_id: "9999", role: "tester" }] }, /^\(#100\) Param roles\.0\.user_id names no user with id 9999$/],
        [{ name: "x", id: "abc" }, /^\(#100\) Param id is invalid/],
      ];
      for (const [body, message] of cases) {
        const res = await admin(h, "POST", "/apps", body);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 100, type: "OAuthException" });
        expect(res.body.error.message).toMatch(message);
        expect(typeof res.body.error.fbtrace_id).toBe("string");
      }
    });

    it("changes mode and roles, rotates the secret, deletes (tokens answer 190/458)", async () => {
      const a = (await admin(h, "POST", "/apps", { id: "1600", name: "Short-lived", secret: "first-secret" })).body;
      expect((await admin(h, "POST", `/apps/${a.id}`, { mode: "development" })).body.mode).toBe("development");
      const roles = await admin(h, "PUT", `/apps/${a.id}/roles/2006`, { role: "developer" });
      expect(roles.body.roles).toEqual([{ user_id: "2006", role: "developer" }]);
      expect((await admin(h, "DELETE", `/apps/${a.id}/roles/2006`)).body.roles).toEqual([]);
      const rotated = await admin(h, "POST", `/apps/${a.id}/secret`);
      expect(rotated.body.secret).toMatch(/^[0-9a-f]{32}$/);
      expect((await h.graph("GET", "/me", { token: `${a.id}|first-secret` })).body.error.code).toBe(190);
      const tok = await admin(h, "POST", "/tokens", { type: "USER", app_id: a.id, user_id: "2001", scopes: ALL_SCOPES });
      const del = await admin(h, "DELETE", `/apps/${a.id}`);
      expect(del.body).toEqual({ success: true, tokens_invalidated: 1 });
      const res = await h.graph("GET", "/me", { token: tok.body.access_token });
      expect(res.body.error).toMatchObject({ code: 190, error_subcode: 458 });
      expect((await admin(h, "GET", `/apps/${a.id}`)).status).toBe(404);
    });

    it("pages lists with cursors and absolute next links", async () => {
      const p1 = await admin(h, "GET", "/apps?limit=2");
      expect(p1.body.data).toHaveLength(2);
      expect(p1.body.paging.cursors.after).toBeTruthy();
      expect(p1.body.paging.next).toMatch(/^http:\/\/leadgraph\.test\/_leadgraph\/admin\/apps\?limit=2&after=/);
      const p2 = await admin(h, "GET", `/apps?limit=2&after=${p1.body.paging.cursors.after}`);
      expect(p2.body.data[0].id > p1.body.data[1].id).toBe(true);
      expect((await admin(h, "GET", "/apps?limit=zero")).body.error.message).toMatch(/Param limit must be a positive integer/);
    });
  });

  describe("users, pages, roles, locations", () => {
    it("creates users and pages with roles and locations; removing a role ends page tokens (190/492)", async () => {
      const u = await admin(h, "POST", "/users", { name: "Nia New" });
      expect(u.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: "Nia New" });
      const p = await admin(h, "POST", "/pages", {
        name: "Nia's Shop",
        category: "Shopping",
        roles: [{ user_id: u.body.id, tasks: ["MANAGE", "ADVERTISE"] }],
        locations: [{ store_number: "1", name: "Main", city: "Lisbon" }],
      });
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({
        name: "Nia's Shop",
        category: "Shopping",
        lead_access: null,
        roles: [{ user_id: u.body.id, tasks: ["MANAGE", "ADVERTISE"] }],
        locations: [{ store_number: "1", name: "Main", street: "", city: "Lisbon", zip: "", country: "", latitude: null, longitude: null }],
      });
      expect(
        (await admin(h, "POST", "/pages", { name: "x", roles: [{ user_id: u.body.id, tasks: ["DANCE"] }] })).body.error.message,
      ).toMatch(/^\(#100\) Param roles\.0\.tasks\.0 must be one of MANAGE, /);
      const loc = await admin(h, "PUT", `/pages/${p.body.id}/locations/2`, { name: "Second", country: "PT" });
      expect(loc.body.store_number).toBe("2");
      expect(
        (await admin(h, "GET", `/pages/${p.body.id}/locations`)).body.data.map((l: { store_number: string }) => l.store_number),
      ).toEqual(["1", "2"]);
      await admin(h, "DELETE", `/pages/${p.body.id}/locations/1`);
      expect((await admin(h, "GET", `/pages/${p.body.id}/locations`)).body.data).toHaveLength(1);

      const tok = (
        await admin(h, "POST", "/tokens", {
          type: "PAGE",
          app_id: "1001",
          user_id: u.body.id,
          page_id: p.body.id,
          scopes: ALL_SCOPES,
          long_lived: true,
        })
      ).body;
      expect(tok.expires_at).toBe(0);
      expect((await h.graph("GET", "/me", { token: tok.access_token })).body).toEqual({ name: "Nia's Shop", id: p.body.id });
      await admin(h, "PUT", `/pages/${p.body.id}/roles/${u.body.id}`, { tasks: ["ANALYZE"] });
      expect((await admin(h, "GET", `/pages/${p.body.id}/roles`)).body.data).toEqual([{ user_id: u.body.id, tasks: ["ANALYZE"] }]);
      expect((await admin(h, "DELETE", `/pages/${p.body.id}/roles/${u.body.id}`)).body.tokens_invalidated).toBe(1);
      expect((await h.graph("GET", "/me", { token: tok.access_token })).body.error).toMatchObject({ code: 190, error_subcode: 492 });
      expect((await admin(h, "DELETE", `/pages/${p.body.id}/roles/${u.body.id}`)).status).toBe(404);

      expect(
        (await admin(h, "POST", `/pages/${p.body.id}`, { name: "Renamed", lead_access: { user_ids: [u.body.id], app_ids: ["1001"] } }))
          .body,
      ).toMatchObject({ name: "Renamed", lead_access: { user_ids: [u.body.id], app_ids: ["1001"] } });
      expect((await admin(h, "GET", `/pages/${p.body.id}/lead_access`)).body.lead_access.app_ids).toEqual(["1001"]);
      expect((await admin(h, "PUT", `/pages/${p.body.id}/lead_access`, { user_ids: [], app_ids: ["777"] })).body.error.message).toBe(
        "(#100) Param lead_access.app_ids.0 names no app with id 777",
      );
      expect((await admin(h, "DELETE", `/pages/${p.body.id}`)).body).toEqual({ success: true });
      expect((await admin(h, "DELETE", "/pages/3001")).status).toBe(409);
    });

    it("a password change ends all of a user's tokens (190/460); deleting a user removes them", async () => {
      const u = (await admin(h, "POST", "/users", { id: "2200", name: "Pw" })).body;
      await admin(h, "PUT", "/pages/3002/roles/2200", { tasks: ["MANAGE"] });
      const t1 = (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: u.id, scopes: [] })).body.access_token;
      const t2 = (await admin(h, "POST", "/tokens", { type: "PAGE", app_id: "1001", user_id: u.id, page_id: "3002", scopes: [] })).body
        .access_token;
      expect((await admin(h, "POST", `/users/${u.id}/password_change`)).body.tokens_invalidated).toBe(2);
      for (const t of [t1, t2]) expect((await h.graph("GET", "/me", { token: t })).body.error.error_subcode).toBe(460);
      expect((await admin(h, "GET", `/users/${u.id}`)).body.page_roles).toEqual([{ page_id: "3002", tasks: ["MANAGE"] }]);
      expect((await admin(h, "POST", `/users/${u.id}`, { name: "Renamed" })).body.name).toBe("Renamed");
      expect((await admin(h, "DELETE", `/users/${u.id}`)).body.success).toBe(true);
      expect((await admin(h, "GET", `/users/${u.id}`)).status).toBe(404);
    });
  });

  describe("ad accounts, campaigns, ad sets, ads", () => {
    it("builds the ad tree; advertiser roles decide ad-field visibility", async () => {
      const acc = await admin(h, "POST", "/ad_accounts", {
        id: "act_4100",
        name: "Shop Ads",
        users: [{ user_id: "2003", role: "ANALYST" }],
      });
      expect(acc.body).toEqual({ id: "act_4100", name: "Shop Ads", users: [{ user_id: "2003", role: "ANALYST" }] });
      expect((await admin(h, "POST", "/ad_accounts", { id: "4100", name: "x" })).body.error.message).toMatch(
        /^\(#100\) Param id is invalid/,
      );
      const c = (await admin(h, "POST", "/campaigns", { account_id: "act_4100", name: "Winter" })).body;
      const s = (await admin(h, "POST", "/adsets", { campaign_id: c.id, name: "Winter EU" })).body;
      const ad = (
        await admin(h, "POST", "/ads", { adset_id: s.id, name: "Winter ad", form_id: "8001", created_time: "2026-11-01T00:00:00+0000" })
      ).body;
      expect(ad).toMatchObject({ adset_id: s.id, form_id: "8001", status: "ACTIVE", created_time: "2026-11-01T00:00:00+0000" });
      expect((await admin(h, "POST", "/ads", { adset_id: "1", name: "x" })).body.error.message).toBe(
        "(#100) Param adset_id names no ad set with id 1",
      );
      expect((await admin(h, "GET", `/campaigns?account_id=act_4100`)).body.data).toEqual([
        { id: c.id, account_id: "act_4100", name: "Winter" },
      ]);
      expect((await admin(h, "GET", `/adsets?campaign_id=${c.id}`)).body.data).toHaveLength(1);
      expect((await admin(h, "GET", `/ads?form_id=8001`)).body.data.map((a: { id: string }) => a.id).sort()).toEqual(
        [ad.id, "7001"].sort(),
      );
      expect((await admin(h, "DELETE", `/campaigns/${c.id}`)).status).toBe(409);

      // Lee (MANAGE_LEADS) sees 7001's ad fields only once he is an advertiser on act_4001.
      const before = await h.graph("GET", "/9001", { token: "EAAB-user-lee", query: { fields: "id,ad_id" } });
      expect(before.body).toEqual({ id: "9001" });
      await admin(h, "PUT", "/ad_accounts/act_4001/users/2003", { role: "ADVERTISER" });
      expect((await h.graph("GET", "/9001", { token: "EAAB-user-lee", query: { fields: "id,ad_id" } })).body).toEqual({
        id: "9001",
        ad_id: "7001",
      });
      await admin(h, "DELETE", "/ad_accounts/act_4001/users/2003");
      expect((await h.graph("GET", "/9001", { token: "EAAB-user-lee", query: { fields: "id,ad_id" } })).body).toEqual({ id: "9001" });

      expect((await admin(h, "POST", `/ads/${ad.id}`, { status: "PAUSED", name: "Renamed" })).body).toMatchObject({
        status: "PAUSED",
        name: "Renamed",
      });
      expect((await admin(h, "DELETE", `/ads/${ad.id}`)).body.success).toBe(true);
      expect((await admin(h, "GET", `/ads/${ad.id}`)).body.status).toBe("DELETED");
      expect((await admin(h, "POST", `/campaigns/${c.id}`, { name: "W2" })).body.name).toBe("W2");
      expect((await admin(h, "POST", `/adsets/${s.id}`, { name: "S2" })).body.name).toBe("S2");
      expect((await admin(h, "GET", "/ad_accounts")).body.data.map((a: { id: string }) => a.id)).toContain("act_4100");
    });
  });

  describe("tokens", () => {
    it("issues each kind with Meta's lifetimes; the text appears once and is stored hashed", async () => {
      const user = (
        await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", scopes: ["leads_retrieval"], label: "ci" })
      ).body;
      expect(user).toMatchObject({
        type: "USER",
        app_id: "1001",
        user_id: "2001",
        page_id: null,
        long_lived: false,
        is_valid: true,
        label: "ci",
      });
      expect(user.expires_at - user.issued_at).toBe(3600);
      expect(user.access_token).toMatch(/^EAAB[A-Za-z0-9]{186}$/);
      expect(user.display_prefix).toBe(`${user.access_token.slice(0, 8)}…`);
      const long = (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", long_lived: true })).body;
      expect(long.expires_at - long.issued_at).toBe(60 * 86400);
      const sys = (await admin(h, "POST", "/tokens", { type: "SYSTEM_USER", app_id: "1001", user_id: "2009" })).body;
      expect(sys.expires_at).toBe(0);
      const app = (await admin(h, "POST", "/tokens", { type: "APP", app_id: "1001" })).body;
      expect(app.access_token).toMatch(/^1001\|/);
      const custom = (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", expires_in: 60 })).body;
      expect(custom.expires_at - custom.issued_at).toBe(60);
      const never = (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", expires_in: "never" })).body;
      expect(never.expires_at).toBe(0);

      const got = await admin(h, "GET", `/tokens/${user.id}`);
      expect(got.body.access_token).toBeUndefined();
      const rows = await sql<{ token_hash: string }>`select token_hash from tokens`.execute(h.runtime.connection.db);
      expect(rows.rows.some((r) => r.token_hash === user.access_token)).toBe(false);

      const invalid: [Record<string, unknown>, string][] = [
        [{ type: "USER", app_id: "1001" }, "(#100) Param user_id is required for USER tokens"],
        [
          { type: "PAGE", app_id: "1001", user_id: "2002", page_id: "3001" },
          "(#100) Param user_id has no role on page 3001; give them tasks first",
        ],
        [{ type: "PAGE", app_id: "1001", user_id: "2001" }, "(#100) Param page_id is required for PAGE tokens"],
        [{ type: "APP", app_id: "1001", user_id: "2001" }, "(#100) Param user_id is not allowed for APP tokens"],
        [{ type: "USER", app_id: "9", user_id: "2001" }, "(#100) Param app_id names no app with id 9"],
        [{ type: "BOT", app_id: "1001" }, "(#100) Param type must be one of USER, PAGE, APP, SYSTEM_USER"],
        [{ type: "USER", app_id: "1001", user_id: "2001", expires_in: -5 }, ""],
      ];
      for (const [body, message] of invalid) {
        const res = await admin(h, "POST", "/tokens", body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        if (message) expect(res.body.error.message).toBe(message);
      }
    });

    it("accepts a chosen token text and issue time, as world files do", async () => {
      const res = await admin(h, "POST", "/tokens", {
        type: "USER",
        app_id: "1001",
        user_id: "2001",
        token: "EAAB-chosen-text",
        issued_at: TEST_NOW - 7200,
      });
      expect(res.body).toMatchObject({
        access_token: "EAAB-chosen-text",
        issued_at: TEST_NOW - 7200,
        expires_at: TEST_NOW - 3600,
        is_valid: false,
      });
      expect((await h.graph("GET", "/me", { token: "EAAB-chosen-text" })).body.error).toMatchObject({ code: 190, error_subcode: 463 });
      expect((await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", token: "EAAB-chosen-text" })).status).toBe(
        409,
      );
      expect(
        (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", token: "has space in it" })).body.error.message,
      ).toBe("(#100) Param token is invalid: must not contain white space");
    });

    it("lists with filters and paging, revokes (190/467) and debugs", async () => {
      const all = await admin(h, "GET", "/tokens?user_id=2001&limit=3");
      expect(all.body.data).toHaveLength(3);
      expect(all.body.paging.next).toContain("user_id=2001");
      for (const t of all.body.data) expect(t.user_id).toBe("2001");
      const pages = await admin(h, "GET", "/tokens?type=PAGE&page_id=3001");
      expect(pages.body.data.every((t: { type: string; page_id: string }) => t.type === "PAGE" && t.page_id === "3001")).toBe(true);
      const expired = (await admin(h, "GET", "/tokens?user_id=2001")).body;
      expect(expired.data.length).toBeGreaterThan(3);

      const t = (await admin(h, "POST", "/tokens", { type: "USER", app_id: "1001", user_id: "2001", long_lived: true })).body;
      expect((await admin(h, "DELETE", `/tokens/${t.id}`)).body).toEqual({ success: true, revoked: true });
      expect((await admin(h, "DELETE", `/tokens/${t.id}`)).body).toEqual({ success: true, revoked: false, already_invalid_subcode: 467 });
      expect((await admin(h, "GET", `/tokens/${t.id}`)).body).toMatchObject({ is_valid: false, invalidated_subcode: 467 });
      const dbg = await admin(h, "POST", "/tokens/debug", { access_token: t.access_token });
      expect(dbg.body.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 467 }, app_id: "1001", user_id: "2001" });
      expect((await admin(h, "DELETE", "/tokens/123")).status).toBe(404);
    });
  });
});
