import { entry } from "./catalogue-entry.ts";

/**
 * Tokens, permissions and Leads Access Manager (docs/permissions.md), and the administration API's
 * own answers: its key, input validation, missing objects and conflicts.
 */
export const accessErrors = {
  /** Leads Access Manager customised and this app (CRM) is not assigned. */
  leadAccessAppRevoked: entry({
    code: 200,
    type: "OAuthException",
    status: 403,
    userTitle: "CRM access revoked",
    userMsg: "This app no longer has access to the Page's leads. Ask a business admin to assign it in Leads Access Manager.",
    message: () =>
      "(#200) CRM access has been revoked from Lead Access Manager. A business admin of the Page must assign this app in Leads Access Manager before it can retrieve leads.",
    docArgs: [],
    when: "lead read by an app not assigned once the Page's lead access is customized",
  }),
  /** The user behind the token may not download this Page's leads (no MANAGE/MANAGE_LEADS, or not assigned in LAM). */
  leadAccessUserDenied: entry({
    code: 200,
    type: "OAuthException",
    status: 403,
    message: () =>
      "(#200) The user does not have permission to access leads of this Page. Leads Access Manager: the user needs lead access (Page admin or MANAGE_LEADS, or an assignment once lead access is customized).",
    docArgs: [],
    when: "lead read by a person without lead access (not admin/MANAGE_LEADS, or not assigned once customized)",
  }),
  pageReadEngagementMissing: entry({
    code: 10,
    type: "OAuthException",
    status: 403,
    authError: "invalid_request",
    message: () =>
      "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature. Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages and https://developers.facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS for details.",
    docArgs: [],
    when: "lead read with a token that lacks `pages_read_engagement`",
  }),
  missingParameter: entry({
    code: 101,
    type: "OAuthException",
    status: 400,
    message: (name: string) => `Missing ${name} parameter.`,
    docArgs: ["<name>"],
    when: "`/oauth/access_token` without `client_id`, `client_secret`, `grant_type` or `fb_exchange_token`",
  }),
  invalidApplication: entry({
    code: 101,
    type: "OAuthException",
    status: 400,
    message: () => "Error validating application. Invalid application ID.",
    docArgs: [],
    when: "unknown `client_id`",
  }),
  invalidClientSecret: entry({
    code: 1,
    type: "OAuthException",
    status: 400,
    message: () => "Error validating client secret.",
    docArgs: [],
    when: "wrong `client_secret`",
  }),
  unsupportedGrantType: entry({
    code: 100,
    type: "OAuthException",
    status: 400,
    message: (got: string) => `(#100) Param grant_type must be one of {client_credentials, fb_exchange_token} - got "${got}".`,
    docArgs: ["<x>"],
    when: "another `grant_type`",
  }),
  exchangeWrongApp: entry({
    code: 190,
    type: "OAuthException",
    status: 400,
    authError: "invalid_token",
    message: () => "Error validating access token: The token was not issued for the application given by client_id.",
    docArgs: [],
    when: "`fb_exchange_token` of another app",
  }),
  debugTokenAppMismatch: entry({
    code: 100,
    type: "OAuthException",
    status: 400,
    message: () => "(#100) The App_id in the input_token did not match the Viewing App",
    docArgs: [],
    when: "`debug_token` of another app's token",
  }),
  appTokenRequired: entry({
    code: 15,
    type: "OAuthException",
    status: 400,
    message: () => "(#15) This method must be called with an app access_token.",
    docArgs: [],
    when: "`/{app-id}/subscriptions` (and other app-only calls) with a user or page token",
  }),
  userTokenRequired: entry({
    code: 190,
    type: "OAuthException",
    status: 400,
    authError: "invalid_token",
    message: () => "(#190) This method must be called with a User Access Token",
    docArgs: [],
    when: "`/me/accounts`, `/me/permissions` with another kind of token",
  }),
  /** The answer's `WWW-Authenticate` is the admin API's own Bearer challenge, set by its guard. */
  adminKeyMissing: entry({
    code: 190,
    type: "OAuthException",
    status: 401,
    message: () => "(#190) The administration API needs the admin key: send it as Authorization: Bearer <admin key>.",
    docArgs: [],
    when: 'a `/_leadgraph/admin/…` request without the admin key, or with a wrong one (with `WWW-Authenticate: Bearer realm="leadgraph admin"`); wrong keys count towards `tooManyFailedAttempts`',
  }),
  /** Admin API validation: names the field. */
  adminInvalid: entry({
    code: 100,
    type: "OAuthException",
    status: 400,
    message: (field: string, detail: string) => `(#100) Param ${field} ${detail}`,
    docArgs: ["<field>", "<problem>"],
    when: "administration API input that fails validation",
  }),
  adminNotFound: entry({
    code: 100,
    subcode: 33,
    type: "GraphMethodException",
    status: 404,
    message: (what: string, id: string) => `(#100) No ${what} with id ${id}`,
    docArgs: ["<kind>", "<id>"],
    when: "administration API reference to a missing object",
  }),
  adminConflict: entry({
    code: 100,
    type: "OAuthException",
    status: 409,
    message: (detail: string) => `(#100) ${detail}`,
    docArgs: ["<detail>"],
    when: "administration API create of an id that exists",
  }),
};
