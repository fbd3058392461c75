import querystring from "fast-querystring";

/**
 * Parameters that carry a credential. `hub.verify_token` is how Meta's handshake spells the
 * verify token in a callback URL; the rest are Graph parameters (and the admin key).
 */
export const SECRET_PARAMS = [
  "access_token",
  "input_token",
  "fb_exchange_token",
  "client_secret",
  "appsecret_proof",
  "verify_token",
  "hub.verify_token",
  "admin_key",
] as const;

const SECRET = new Set<string>(SECRET_PARAMS);
export const REDACTED = "[redacted]";

/** Whether a parameter name, once decoded, names a credential (`access_token[0]` folds to access_token). */
export function isSecretParam(decodedKey: string): boolean {
  const bracket = decodedKey.indexOf("[");
  return SECRET.has((bracket < 0 ? decodedKey : decodedKey.slice(0, bracket)).toLowerCase());
}

/**
 * The decoded name of one `key=value` pair, read by fast-querystring: the parser the server reads
 * query strings and form bodies with (graph/params.ts, @fastify/formbody). Redacting by what that
 * parser reads, not by how the name is spelled, means `access%5Ftoken` and `%61ccess_token`, which
 * authenticate, are masked too.
 */
const decodedKeyOf = (pair: string): string | undefined => {
  for (const key in querystring.parse(pair)) return key;
  return undefined;
};

/** A query string or form body (`a=1&b=2`, no leading `?`) with the values of credentials masked. */
export function redactQuery(query: string): string {
  if (query === "") return query;
  let changed = false;
  const pairs = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair;
    const key = decodedKeyOf(pair.slice(0, eq));
    if (key === undefined || !isSecretParam(key)) return pair;
    changed = true;
    return `${pair.slice(0, eq)}=${REDACTED}`;
  });
  return changed ? pairs.join("&") : query;
}

/** A URL or request path with the credentials of its query string masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  return `${url.slice(0, q + 1)}${redactQuery(query)}${hash < 0 ? "" : url.slice(hash)}`;
}

/** Any `key=value` inside free text (an error message quoting a URL or a body), masked by the same rule. */
const PAIR = /([^\s?&=;,"'<>()[\]{}]+(?:\[[^\]\s]*\])*)=([^\s&"'<>]*)/g;
export function redactText(text: string): string {
  if (!text.includes("=")) return text;
  return text.replace(PAIR, (whole, key: string) => {
    const decoded = decodedKeyOf(key);
    return decoded !== undefined && isSecretParam(decoded) ? `${key}=${REDACTED}` : whole;
  });
}

/** pino `redact` paths masking credentials at the top of a logged object and one level down (`{ req: { access_token } }`). */
export const secretLogPaths = (): string[] => SECRET_PARAMS.flatMap((n) => (n.includes(".") ? [`["${n}"]`, `*["${n}"]`] : [n, `*.${n}`]));

/** A log call's arguments with its message strings masked (pino's `hooks.logMethod`). */
export const redactLogArgs = <T extends unknown[]>(args: T): T => args.map((a) => (typeof a === "string" ? redactText(a) : a)) as T;
