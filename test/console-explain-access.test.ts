import { describe, expect, it } from "vitest";
import { explainAccess } from "../src/console/web/components/explain-access.ts";

const valid = {
  app_id: "1001",
  type: "PAGE",
  is_valid: true,
  expires_at: 0,
  scopes: ["leads_retrieval", "pages_show_list"],
  user_id: "2001",
  profile_id: "3001",
};
const canRead = {
  can_access_lead: true,
  is_page_admin: true,
  enabled_lead_access_manager: false,
  app_has_leads_permission: true,
  user_has_leads_permission: true,
};

describe("the token debug view's plain words", () => {
  it("says a valid page token with leads_retrieval can read its own page", () => {
    const r = explainAccess(valid, canRead, "3001");
    expect(r.ok).toBe(true);
    expect(r.reasons).toContain("It does not expire.");
    expect(r.reasons).toContain("has_lead_access says this token can read the page's leads.");
  });

  it("names each reason a token cannot read a page's leads", () => {
    expect(explainAccess({ ...valid, scopes: ["pages_show_list"] }, canRead, "3001")).toMatchObject({
      ok: false,
      reasons: expect.arrayContaining(["It lacks the leads_retrieval permission, which every lead read needs."]),
    });
    expect(explainAccess(valid, canRead, "3002")).toMatchObject({
      ok: false,
      reasons: expect.arrayContaining(["It is a page token of page 3001; a page token reads only its own page's leads."]),
    });
    const revoked = explainAccess(
      { ...valid, is_valid: false, error: { code: 190, subcode: 467, message: "The access token is invalid" } },
      undefined,
      "3001",
    );
    expect(revoked.ok).toBe(false);
    expect(revoked.reasons[0]).toBe("The token is not valid: The access token is invalid. Nothing can be read with it.");
    const lam = explainAccess(
      valid,
      {
        ...canRead,
        can_access_lead: false,
        enabled_lead_access_manager: true,
        user_has_leads_permission: false,
        failure_reason: "User is not assigned",
        failure_resolution: "Assign the user in Leads Access Manager.",
      },
      "3001",
    );
    expect(lam.ok).toBe(false);
    expect(lam.reasons).toEqual(
      expect.arrayContaining([
        "The page restricts lead access with Leads Access Manager: only assigned people and CRMs may read leads.",
        "The user is not allowed lead access on this page.",
        "To fix it: Assign the user in Leads Access Manager.",
      ]),
    );
    expect(explainAccess({ ...valid, type: "APP", profile_id: undefined }, undefined, "3001").ok).toBe(false);
  });

  it("gives the expiry time when the token expires", () => {
    expect(explainAccess({ ...valid, expires_at: 1_795_870_800 }, canRead, "3001").reasons).toContain(
      "It expires at 2026-11-28T13:00:00Z.",
    );
  });
});
