import { entry } from "./catalogue-entry.ts";

const GRAPH_DOCS = "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api";

/**
 * The Graph surface's errors, as Meta sends them (messages copied on purpose: clients match on
 * them). Names say the situation, not the code.
 */
export const errors = {
  noToken: entry({
    code: 2500, type: "OAuthException", status: 400, authError: "invalid_request",
    message: () => "An active access token must be used to query information about the current user.",
    docArgs: [],
    when: "`/me` without a token, or with a token that has no user/page behind it",
  }),
  tokenRequired: entry({
    code: 104, type: "OAuthException", status: 400, authError: "invalid_request",
    message: () => "An access token is required to request this resource.",
    docArgs: [],
    when: "no `access_token` and no `Authorization: Bearer`",
  }),
  malformedToken: entry({
    code: 190, type: "OAuthException", status: 400, authError: "invalid_token",
    message: () => "Invalid OAuth access token - Cannot parse access token",
    docArgs: [],
    when: "unknown token, token with white space or over 1024 characters, app token with a wrong secret",
  }),
  tokenExpired: entry({
    code: 190, subcode: 463, type: "OAuthException", status: 400, authError: "invalid_token",
    message: (expiredAt: string, now: string) => `Error validating access token: Session has expired on ${expiredAt}. The current time is ${now}.`,
    docArgs: ["<Day, DD-Mon-YY HH:MM:SS PDT>", "<…>"],
    when: "token past `expires_at` (by the server clock)",
  }),
  tokenInvalidated: entry({
    code: 190, subcode: (subcode) => subcode, subcodes: [458, 460, 464, 467, 492], type: "OAuthException", status: 400, authError: "invalid_token",
    message: (_subcode: number, detail: string) => `Error validating access token: ${detail}`,
    docArgs: [467, "<reason>"],
    when: "token invalidated (app removed 458, password changed 460, unconfirmed user 464, logged out/revoked 467, no role on the page 492)",
  }),
  unknownObject: entry({
    code: 100, subcode: 33, type: "GraphMethodException", status: 400,
    message: (id: string, method: "get" | "post" | "delete" = "get") =>
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. ${GRAPH_DOCS}`,
    docArgs: ["<id>", "<get|post|delete>"],
    when: "unknown id, an object the caller may not see (same answer, so existence does not leak), a lead past the 90-day retention, a method the object does not support",
  }),
  nonexistingField: entry({
    code: 100, type: "OAuthException", status: 400,
    message: (field: string, nodeType: string) => `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
    docArgs: ["<field>", "<Type>"],
    when: "`fields` names something the node does not have (also inside expansions)",
  }),
  unknownPath: entry({
    code: 2500, type: "OAuthException", status: 400,
    message: (components: string) => `Unknown path components: ${components}`,
    docArgs: ["/<rest>"],
    when: "unknown edge, path deeper than `/{id}/{edge}`, undecodable path",
  }),
  syntax: entry({
    code: 2500, type: "OAuthException", status: 400,
    message: (detail: string) => `Syntax error ${detail}`,
    docArgs: ['"Expected <x> instead of "<y>"." at character <n>: <fields>'],
    when: "malformed `fields` expression",
  }),
  unknownAliases: entry({
    code: 803, type: "OAuthException", status: 404,
    message: (ids: string[]) => `(#803) Some of the aliases you requested do not exist: ${ids.join(",")}`,
    docArgs: [["<ids>"]],
    when: "a path id or an `ids=` entry that is not numeric (or `act_…`), or an `ids=` entry naming no object",
  }),
  invalidParam: entry({
    code: 100, type: "OAuthException", status: 400,
    message: (detail: string) => `(#100) ${detail}`,
    docArgs: ["<detail naming the parameter>"],
    when: "a parameter of the wrong type or shape: `limit`, cursors (`The after cursor is invalid or does not belong to this request`), `filtering`, `batch`, `ids`, too long/deep `fields`, unknown modifier, invalid JSON body; any input limit below (too many parameters, a list index over 999, a JSON body too deep, a value too long, a malformed or truncated multipart body, bytes that are not HTTP)",
  }),
  paramRequired: entry({
    code: 100, type: "OAuthException", status: 400,
    message: (name: string) => `(#100) The parameter ${name} is required.`,
    docArgs: ["<name>"],
    when: "a required parameter is missing (e.g. `batch[i][relative_url]`)",
  }),
  paramEnum: entry({
    code: 100, type: "OAuthException", status: 400,
    message: (name: string, allowed: readonly string[], got: string) => `(#100) Param ${name} must be one of {${allowed.join(", ")}} - got "${got}".`,
    docArgs: ["<name>", ["<A>", "<B>"], "<value>"],
    when: "a value outside its enum (`filtering[i][operator]`, `filtering[i][field]`, `batch[i][method]`)",
  }),
  invalidKeys: entry({
    code: 100, type: "OAuthException", status: 400,
    message: (keys: string[], param: string) => `(#100) Invalid keys "${keys.join(", ")}" were found in param "${param}".`,
    docArgs: [["<keys>"], "<param>"],
    when: "an object parameter with unknown keys (e.g. a `filtering` clause)",
  }),
  unsupportedMethod: entry({
    code: 100, subcode: 33, type: "GraphMethodException", status: 400,
    message: (method: string, path: string) =>
      `Unsupported ${method.toLowerCase()} request. ${path === "" ? "" : `Path '${path}' `}does not support this operation. ${GRAPH_DOCS}`,
    docArgs: ["<method>", "<path>"],
    when: "an edge or path that does not support the HTTP method (PUT, PATCH, `GET /` without `ids`)",
  }),
  permissionMissing: entry({
    code: 200, type: "OAuthException", status: 403, authError: "invalid_request",
    message: (permission: string) => `(#200) Requires ${permission} permission to manage the object`,
    docArgs: ["<permission>"],
    when: "the token lacks a required permission (scope)",
  }),
  permissionsError: entry({
    code: 200, type: "OAuthException", status: 403, authError: "invalid_request",
    message: (detail: string = "Permissions error") => `(#200) ${detail}`,
    docArgs: ['<detail, default "Permissions error">'],
    when: "the caller can see the object but lacks the task/role for the operation",
  }),
  permissionDenied: entry({
    code: 10, type: "OAuthException", status: 403, authError: "invalid_request",
    message: (detail: string = "Permission Denied") => `(#10) ${detail}.`,
    docArgs: ['<detail, default "Permission Denied">'],
    when: "the app lacks the capability",
  }),
  pageTokenRequired: entry({
    code: 190, type: "OAuthException", status: 400, authError: "invalid_token",
    message: () => "(#190) This method must be called with a Page Access Token",
    docArgs: [],
    when: "an operation only page tokens may call",
  }),
  appsecretProofRequired: entry({
    code: 100, type: "GraphMethodException", status: 400,
    message: () => "API calls from the server require an appsecret_proof argument",
    docArgs: [],
    when: "the app requires `appsecret_proof` and the call has none",
  }),
  appsecretProofInvalid: entry({
    code: 100, type: "GraphMethodException", status: 400,
    message: () => "Invalid appsecret_proof provided in the API argument",
    docArgs: [],
    when: "`appsecret_proof` is not HMAC-SHA256(app secret, token)",
  }),
  leadRateLimited: entry({
    code: 80005, type: "OAuthException", status: 400, transient: true,
    message: () =>
      "(#80005) There have been too many leadgen api calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    docArgs: [],
    when: "the page's lead retrieval limit (200 × 24 × leads of the past 90 days per 24 h) is spent",
  }),
  tooManyFailedAttempts: entry({
    code: 4, type: "OAuthException", status: 429, transient: true, retryAfter: (seconds) => seconds,
    message: (retryAfterSeconds: number) => `(#4) Too many failed attempts from this address: try again in ${retryAfterSeconds} seconds.`,
    docArgs: ["<n>"],
    when: "a client address sent more wrong admin keys, or wrong `client_secret`s to `oauth/access_token`, than `LEADGRAPH_AUTH_FAILURE_LIMIT` in `LEADGRAPH_AUTH_FAILURE_WINDOW_SECONDS` (docs/data-protection.md)",
  }),
  requestTooLarge: entry({
    code: 100, type: "OAuthException", status: 413,
    message: () => "(#100) The request body is too large",
    docArgs: [],
    when: "a body over its surface's limit (see Input limits below); a multipart body's parts or fields over their count",
  }),
  headersTooLarge: entry({
    code: 100, type: "OAuthException", status: 431,
    message: () => "(#100) The request line and headers are too large (at most 16 KiB): send long parameters in a POST body",
    docArgs: [],
    when: "request line and headers over Node's 16 KiB (a very long query string included); the connection is closed after the answer",
  }),
  requestTimeout: entry({
    code: 100, type: "OAuthException", status: 408,
    message: () => "(#100) The request was not received in time",
    docArgs: [],
    when: "Node's request timeout ran out before the request was read (only when the server sets one)",
  }),
  unknown: entry({
    code: 1, type: "OAuthException", status: 500, transient: true, cause: (cause) => cause,
    message: (_cause?: unknown) => "An unknown error has occurred.",
    docArgs: [],
    when: "an unexpected failure inside leadgraph (a bug: it is logged with its cause; no input is meant to reach it)",
  }),
  serviceUnavailable: entry({
    code: 2, type: "OAuthException", status: 503, transient: true, cause: (cause) => cause,
    message: (_cause?: unknown) => "An unexpected error has occurred. Please retry your request later.",
    docArgs: [],
    when: "the database is unreachable or times out, lost the connection under a write (PostgreSQL restart, failover, terminated backend), or refused the write (SQLite: disk full, read-only, locked past the busy timeout); the log names the driver's code (docs/deploy.md, Database faults)",
  }),
  clockNotManual: entry({
    code: 100, type: "OAuthException", status: 400,
    message: () => "(#100) The clock is the system clock and cannot be moved: start the server with --clock manual or --clock manual:<unix seconds>",
    docArgs: [],
    when: "`POST /_leadgraph/admin/clock` while the server runs on the system clock",
  }),
  testLeadExists: entry({
    code: 2, subcode: 1892058, type: "OAuthException", status: 400,
    userTitle: "Test lead already exists for this form.",
    userMsg: "A test lead was already created for this leadgen form. Delete the existing lead before creating a new one. To retrieve the lead id, use the GET call on /test_leads edge.",
    message: () => "An unexpected error has occurred. Please retry your request later.",
    docArgs: [],
    when: "a second `POST /{form-id}/test_leads` while the form's test lead exists",
  }),
};
