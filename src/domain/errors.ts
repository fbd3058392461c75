/**
 * The one catalogue of Graph errors. Every failure the server reports is built here, so the
 * wire shape (code, subcode, type, HTTP status, message) is decided in one place and documented
 * in docs/errors.md. The domain throws or returns GraphError; the HTTP layer only serialises it.
 */
export type GraphErrorType = "OAuthException" | "GraphMethodException" | "IGApiException";

export interface GraphErrorInit {
  message: string;
  type: GraphErrorType;
  code: number;
  subcode?: number;
  status: number;
  userTitle?: string;
  userMsg?: string;
  isTransient?: boolean;
  /** Sets `WWW-Authenticate: OAuth "Facebook Platform" "<authError>" "<message>"`. */
  authError?: "invalid_token" | "invalid_request";
  /** Sets `Retry-After: <seconds>` (throttled attempts). */
  retryAfter?: number;
  cause?: unknown;
}

export class GraphError extends Error {
  readonly type: GraphErrorType;
  readonly code: number;
  readonly subcode: number | undefined;
  readonly status: number;
  readonly userTitle: string | undefined;
  readonly userMsg: string | undefined;
  readonly isTransient: boolean;
  readonly authError: GraphErrorInit["authError"];
  readonly retryAfter: number | undefined;

  constructor(init: GraphErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "GraphError";
    this.type = init.type;
    this.code = init.code;
    this.subcode = init.subcode;
    this.status = init.status;
    this.userTitle = init.userTitle;
    this.userMsg = init.userMsg;
    this.isTransient = init.isTransient ?? false;
    this.authError = init.authError;
    this.retryAfter = init.retryAfter;
  }
}

export const isGraphError = (e: unknown): e is GraphError => e instanceof GraphError;

/** 100/33, Meta's answer for an object that does not exist or that the caller may not see. */
export const isUnknownObjectError = (e: unknown): e is GraphError => isGraphError(e) && e.code === 100 && e.subcode === 33;

const GRAPH_DOCS = "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api";

/** Constructors, one per catalogue entry. Names say the situation, not the code. */
export const errors = {
  noToken: () =>
    new GraphError({
      message: "An active access token must be used to query information about the current user.",
      type: "OAuthException", code: 2500, status: 400, authError: "invalid_request",
    }),
  tokenRequired: () =>
    new GraphError({
      message: "An access token is required to request this resource.",
      type: "OAuthException", code: 104, status: 400, authError: "invalid_request",
    }),
  malformedToken: () =>
    new GraphError({
      message: "Invalid OAuth access token - Cannot parse access token",
      type: "OAuthException", code: 190, status: 400, authError: "invalid_token",
    }),
  tokenExpired: (expiredAt: string, now: string) =>
    new GraphError({
      message: `Error validating access token: Session has expired on ${expiredAt}. The current time is ${now}.`,
      type: "OAuthException", code: 190, subcode: 463, status: 400, authError: "invalid_token",
    }),
  tokenInvalidated: (subcode: number, detail: string) =>
    new GraphError({
      message: `Error validating access token: ${detail}`,
      type: "OAuthException", code: 190, subcode, status: 400, authError: "invalid_token",
    }),
  unknownObject: (id: string, method: "get" | "post" | "delete" = "get") =>
    new GraphError({
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. ${GRAPH_DOCS}`,
      type: "GraphMethodException", code: 100, subcode: 33, status: 400,
    }),
  nonexistingField: (field: string, nodeType: string) =>
    new GraphError({
      message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
      type: "OAuthException", code: 100, status: 400,
    }),
  unknownPath: (components: string) =>
    new GraphError({
      message: `Unknown path components: ${components}`,
      type: "OAuthException", code: 2500, status: 400,
    }),
  syntax: (detail: string) =>
    new GraphError({ message: `Syntax error ${detail}`, type: "OAuthException", code: 2500, status: 400 }),
  unknownAliases: (ids: string[]) =>
    new GraphError({
      message: `(#803) Some of the aliases you requested do not exist: ${ids.join(",")}`,
      type: "OAuthException", code: 803, status: 404,
    }),
  invalidParam: (detail: string) =>
    new GraphError({ message: `(#100) ${detail}`, type: "OAuthException", code: 100, status: 400 }),
  paramRequired: (name: string) =>
    new GraphError({ message: `(#100) The parameter ${name} is required.`, type: "OAuthException", code: 100, status: 400 }),
  paramEnum: (name: string, allowed: readonly string[], got: string) =>
    new GraphError({
      message: `(#100) Param ${name} must be one of {${allowed.join(", ")}} - got "${got}".`,
      type: "OAuthException", code: 100, status: 400,
    }),
  invalidKeys: (keys: string[], param: string) =>
    new GraphError({
      message: `(#100) Invalid keys "${keys.join(", ")}" were found in param "${param}".`,
      type: "OAuthException", code: 100, status: 400,
    }),
  unsupportedMethod: (method: string, path: string) =>
    new GraphError({
      message: `Unsupported ${method.toLowerCase()} request. ${path === "" ? "" : `Path '${path}' `}does not support this operation. ${GRAPH_DOCS}`,
      type: "GraphMethodException", code: 100, subcode: 33, status: 400,
    }),
  permissionMissing: (permission: string) =>
    new GraphError({
      message: `(#200) Requires ${permission} permission to manage the object`,
      type: "OAuthException", code: 200, status: 403, authError: "invalid_request",
    }),
  permissionsError: (detail = "Permissions error") =>
    new GraphError({ message: `(#200) ${detail}`, type: "OAuthException", code: 200, status: 403, authError: "invalid_request" }),
  permissionDenied: (detail = "Permission Denied") =>
    new GraphError({ message: `(#10) ${detail}.`, type: "OAuthException", code: 10, status: 403, authError: "invalid_request" }),
  pageTokenRequired: () =>
    new GraphError({
      message: "(#190) This method must be called with a Page Access Token",
      type: "OAuthException", code: 190, status: 400, authError: "invalid_token",
    }),
  appsecretProofRequired: () =>
    new GraphError({ message: "API calls from the server require an appsecret_proof argument", type: "GraphMethodException", code: 100, status: 400 }),
  appsecretProofInvalid: () =>
    new GraphError({ message: "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException", code: 100, status: 400 }),
  leadRateLimited: () =>
    new GraphError({
      message:
        "(#80005) There have been too many leadgen api calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
      type: "OAuthException", code: 80005, status: 400, isTransient: true,
    }),
  tooManyFailedAttempts: (retryAfterSeconds: number) =>
    new GraphError({
      message: `(#4) Too many failed attempts from this address: try again in ${retryAfterSeconds} seconds.`,
      type: "OAuthException", code: 4, status: 429, isTransient: true, retryAfter: retryAfterSeconds,
    }),
  clockNotManual: () =>
    new GraphError({
      message: "(#100) The clock is the system clock and cannot be moved: start the server with --clock manual or --clock manual:<unix seconds>",
      type: "OAuthException", code: 100, status: 400,
    }),
  requestTooLarge: () =>
    new GraphError({ message: "(#100) The request body is too large", type: "OAuthException", code: 100, status: 413 }),
  headersTooLarge: () =>
    new GraphError({
      message: "(#100) The request line and headers are too large (at most 16 KiB): send long parameters in a POST body",
      type: "OAuthException", code: 100, status: 431,
    }),
  requestTimeout: () =>
    new GraphError({ message: "(#100) The request was not received in time", type: "OAuthException", code: 100, status: 408 }),
  unknown: (cause?: unknown) =>
    new GraphError({ message: "An unknown error has occurred.", type: "OAuthException", code: 1, status: 500, isTransient: true, cause }),
  serviceUnavailable: (cause?: unknown) =>
    new GraphError({
      message: "An unexpected error has occurred. Please retry your request later.",
      type: "OAuthException", code: 2, status: 503, isTransient: true, cause,
    }),
  testLeadExists: () =>
    new GraphError({
      message: "An unexpected error has occurred. Please retry your request later.",
      type: "OAuthException", code: 2, subcode: 1892058, status: 400,
      userTitle: "Test lead already exists for this form.",
      userMsg: "A test lead was already created for this leadgen form. Delete the existing lead before creating a new one. To retrieve the lead id, use the GET call on /test_leads edge.",
    }),
} as const;

/**
 * Access engineer's entries (docs/permissions.md). Kept apart so merges with other catalogue
 * additions stay trivial; `errors` above is the one most code uses, these are the token/LAM cases.
 */
export const accessErrors = {
  /** Leads Access Manager customised and this app (CRM) is not assigned. */
  leadAccessAppRevoked: () =>
    new GraphError({
      message:
        "(#200) CRM access has been revoked from Lead Access Manager. A business admin of the Page must assign this app in Leads Access Manager before it can retrieve leads.",
      type: "OAuthException", code: 200, status: 403,
      userTitle: "CRM access revoked",
      userMsg: "This app no longer has access to the Page's leads. Ask a business admin to assign it in Leads Access Manager.",
    }),
  /** The user behind the token may not download this Page's leads (no MANAGE/MANAGE_LEADS, or not assigned in LAM). */
  leadAccessUserDenied: () =>
    new GraphError({
      message:
        "(#200) The user does not have permission to access leads of this Page. Leads Access Manager: the user needs lead access (Page admin or MANAGE_LEADS, or an assignment once lead access is customized).",
      type: "OAuthException", code: 200, status: 403,
    }),
  missingParameter: (name: string) =>
    new GraphError({ message: `Missing ${name} parameter.`, type: "OAuthException", code: 101, status: 400 }),
  invalidApplication: () =>
    new GraphError({ message: "Error validating application. Invalid application ID.", type: "OAuthException", code: 101, status: 400 }),
  invalidClientSecret: () =>
    new GraphError({ message: "Error validating client secret.", type: "OAuthException", code: 1, status: 400 }),
  unsupportedGrantType: (got: string) =>
    new GraphError({
      message: `(#100) Param grant_type must be one of {client_credentials, fb_exchange_token} - got "${got}".`,
      type: "OAuthException", code: 100, status: 400,
    }),
  exchangeWrongApp: () =>
    new GraphError({
      message: "Error validating access token: The token was not issued for the application given by client_id.",
      type: "OAuthException", code: 190, status: 400, authError: "invalid_token",
    }),
  debugTokenAppMismatch: () =>
    new GraphError({
      message: "(#100) The App_id in the input_token did not match the Viewing App",
      type: "OAuthException", code: 100, status: 400,
    }),
  appTokenRequired: () =>
    new GraphError({
      message: "(#15) This method must be called with an app access_token.",
      type: "OAuthException", code: 15, status: 400,
    }),
  userTokenRequired: () =>
    new GraphError({
      message: "(#190) This method must be called with a User Access Token",
      type: "OAuthException", code: 190, status: 400, authError: "invalid_token",
    }),
  /** Admin API validation: names the field. */
  adminInvalid: (field: string, detail: string) =>
    new GraphError({ message: `(#100) Param ${field} ${detail}`, type: "OAuthException", code: 100, status: 400 }),
  adminNotFound: (what: string, id: string) =>
    new GraphError({
      message: `(#100) No ${what} with id ${id}`, type: "GraphMethodException", code: 100, subcode: 33, status: 404,
    }),
  adminConflict: (detail: string) =>
    new GraphError({ message: `(#100) ${detail}`, type: "OAuthException", code: 100, status: 409 }),
} as const;

/** The code-10 answer Meta gives a token without `pages_read_engagement` reading page data. */
export const pageReadEngagementMissing = () =>
  new GraphError({
    message:
      "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature. Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages and https://developers.facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS for details.",
    type: "OAuthException", code: 10, status: 403, authError: "invalid_request",
  });
/** Webhook subscription errors (the app subscriptions edge). */
export const webhookErrors = {
  callbackVerificationFailed: (detail: string) =>
    new GraphError({
      message: `(#2200) Callback verification failed with the following errors: ${detail}`,
      type: "OAuthException", code: 2200, status: 400,
    }),
  redeliveryWithoutReceiver: (why: string) =>
    new GraphError({
      message: `(#100) Nothing would receive this redelivery: ${why}. Subscribe the app to leadgen for page and install it on the page, then redeliver.`,
      type: "OAuthException", code: 100, status: 400,
    }),
} as const;
