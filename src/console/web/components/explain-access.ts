/**
 * Plain words for why a token can or cannot read a page's leads, from `debug_token` data and the
 * page's `has_lead_access` (Meta's HasLeadAccess shape). The server's own explanation wins when it
 * sends one; this covers the rest.
 */
export function explainAccess(
  debug: Record<string, unknown>,
  access: Record<string, unknown> | undefined,
  pageId: string,
): { ok: boolean; reasons: string[] } {
  const d = (debug.data as Record<string, unknown> | undefined) ?? debug;
  const reasons: string[] = [];
  let ok = true;
  if (d.is_valid === false) {
    ok = false;
    const err = d.error as { message?: string } | undefined;
    reasons.push(`The token is not valid${err?.message ? `: ${err.message}` : ""}. Nothing can be read with it.`);
  }
  const expires = typeof d.expires_at === "number" ? d.expires_at : undefined;
  if (expires && expires > 0) reasons.push(`It expires at ${new Date(expires * 1000).toISOString().replace(".000Z", "Z")}.`);
  else if (d.is_valid !== false) reasons.push("It does not expire.");
  const scopes = Array.isArray(d.scopes) ? (d.scopes as string[]) : [];
  if (!scopes.includes("leads_retrieval")) {
    ok = false;
    reasons.push("It lacks the leads_retrieval permission, which every lead read needs.");
  } else reasons.push("It has the leads_retrieval permission.");
  if (d.type === "APP") {
    ok = false;
    reasons.push("It is an app token: leads are read with a page token or a user token of someone with a role on the page.");
  }
  if (d.type === "PAGE" && typeof d.profile_id === "string" && d.profile_id !== pageId) {
    ok = false;
    reasons.push(`It is a page token of page ${d.profile_id}; a page token reads only its own page's leads.`);
  }
  if (access) {
    if (access.is_page_admin === false) reasons.push("The token's user has no admin role on the page.");
    if (access.enabled_lead_access_manager === true)
      reasons.push("The page restricts lead access with Leads Access Manager: only assigned people and CRMs may read leads.");
    if (access.app_has_leads_permission === false) reasons.push("The app is not allowed lead access on this page.");
    if (access.user_has_leads_permission === false) reasons.push("The user is not allowed lead access on this page.");
    if (access.can_access_lead === false) {
      ok = false;
      if (typeof access.failure_reason === "string" && access.failure_reason) reasons.push(`Meta-style reason: ${access.failure_reason}.`);
      if (typeof access.failure_resolution === "string" && access.failure_resolution)
        reasons.push(`To fix it: ${access.failure_resolution}`);
    } else if (access.can_access_lead === true && ok) reasons.push("has_lead_access says this token can read the page's leads.");
  }
  return { ok, reasons };
}
