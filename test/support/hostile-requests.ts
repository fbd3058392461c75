import fc from "fast-check";

/**
 * Generators of hostile HTTP requests over every route family, for the fuzz suite
 * (test/hostile-fuzz.test.ts). A request is raw: the path and query are sent byte for byte, the
 * body as given, so generators can produce what no client library would send.
 */
export interface HostileRequest {
  family: string;
  method: string;
  /** Path and query string, sent as they are (may hold invalid UTF-8 escapes or raw bytes). */
  target: Buffer;
  headers: [string, string][];
  body: Buffer | undefined;
  /** Sent with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked: boolean;
}

export const ADMIN_HEADER = "x-leadgraph-admin-key";
const TOKENS = ["EAAB-page-acme", "EAAB-user-ann", "EAAB-user-carl", "EAAB-page-other", "EAAB-expired-1", "1001|s3cr3t-acme", "nope"];
const IDS = [
  "9001",
  "9002",
  "9901",
  "8001",
  "8002",
  "7001",
  "3001",
  "3002",
  "2001",
  "6001",
  "5001",
  "act_4001",
  "me",
  "1001",
  "0",
  "99999999999999999999",
];
/** Edges a GET may read; POST never goes to `/{app}/subscriptions`, whose handshake would call out to the generated URL. */
const READ_EDGES = ["leads", "leadgen_forms", "accounts", "subscribed_apps", "test_leads", "subscriptions", "permissions", "x"];
const WRITE_EDGES = ["test_leads", "leadgen_forms", "subscribed_apps", "leads"];
const PARAM_NAMES = [
  "fields",
  "limit",
  "after",
  "before",
  "filtering",
  "summary",
  "ids",
  "batch",
  "method",
  "pretty",
  "suppress_http_code",
  "field_data",
  "questions",
  "name",
  "subscribed_fields",
  "include_headers",
  "appsecret_proof",
  "locale",
  "thank_you_page",
  "follow_up_action_url",
  "privacy_policy",
  "custom_disclaimer",
  "context_card",
  "tracking_parameters",
  "input_token",
  "client_id",
  "client_secret",
  "grant_type",
  "fb_exchange_token",
  "id",
  "type",
  "from_date",
  "to_date",
  "_token",
  "_action",
  "answer:email",
  "store_q",
];

const utf8 = (s: string) => Buffer.from(s, "utf8");

/** Values: ordinary, nasty, invalid UTF-8 escapes, huge numbers, JSON, very long. */
const value: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("1", "0", "-1", "true", "id,name", "leadgen", "EMAIL", "https://acme.example/", "javascript:alert(1)", ""),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.constantFrom("%FF%FE", "%C3%28", "%ED%A0%80", "%", "%%", "%0", "%00", "%E0%A4%A", "%F4%90%80%80") },
  { weight: 2, arbitrary: fc.constantFrom("1e309", "NaN", "99999999999999999999999", "-0", "0x10", "4294967295") },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => encodeURIComponent(JSON.stringify(v))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((d) => encodeURIComponent(`${"[".repeat(d)}${"]".repeat(d)}`)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => "v".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((d) => encodeURIComponent(`${"leads{".repeat(d)}id${"}".repeat(d)}`)) },
);

/** Parameter names: real ones, bracketed with sparse and huge indexes, deep, prototype names, long. */
const name: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...PARAM_NAMES, "x"), fc.oneof(fc.nat(1200), fc.constantFrom(99_999_999, 4_294_967_294, 2 ** 53)))
      .map(([n, i]) => `${n}[${i}]`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom("field_data", "questions", "batch", "filtering"),
        fc.nat(60),
        fc.constantFrom("name", "values", "type", "relative_url", "method", "field", "operator", "value", ""),
      )
      .map(([n, i, k]) => `${n}[${i}][${k}]`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((d) => `x${"[0]".repeat(d)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "__proto__",
      "__proto__[x]",
      "constructor[prototype][x]",
      "a[__proto__][b]",
      "toString",
      "hasOwnProperty",
      "x[]",
      "x[][]",
      "[",
      "]",
      "a]b[",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => `k${"k".repeat(n)}`) },
);

/** key=value pairs: a few, duplicated, or thousands (made with a loop, not one arbitrary each). */
const pairs: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(fc.tuple(name, value), { maxLength: 8 }).map((a) => a.map(([k, v]) => `${encodeKey(k)}=${v}`).join("&")),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(name, value, fc.integer({ min: 2, max: 400 }))
      .map(([k, v, n]) => Array.from({ length: n }, () => `${encodeKey(k)}=${v}`).join("&")),
  },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 4_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}=${i}`).join("&")) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `x[${i * 997}]=1`).join("&")) },
);

const encodeKey = (k: string) => k.replace(/[&=#%\s]/g, (c) => encodeURIComponent(c));

const withToken = (q: string, token: string | null) =>
  [token === null ? "" : `access_token=${encodeURIComponent(token)}`, q].filter((s) => s !== "").join("&");

const token = fc.option(fc.constantFrom(...TOKENS), { freq: 5 });

type BodyKind = "none" | "urlencoded" | "json" | "deepjson" | "multipart" | "badmultipart" | "wrongtype" | "bytes" | "huge";

const body: fc.Arbitrary<{ kind: BodyKind; type?: string; data?: Buffer; chunked: boolean }> = fc.oneof(
  {
    weight: 3,
    arbitrary: pairs.map((p) => ({
      kind: "urlencoded" as const,
      type: "application/x-www-form-urlencoded",
      data: utf8(p),
      chunked: false,
    })),
  },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(fc.constantFrom(...PARAM_NAMES), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 8 })
      .map((o) => ({ kind: "json" as const, type: "application/json", data: utf8(JSON.stringify(o)), chunked: false })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("[", '{"a":'), fc.integer({ min: 10, max: 300_000 })).map(([open, d]) => ({
      kind: "deepjson" as const,
      type: "application/json",
      data: utf8(`{"fields":${open.repeat(d)}1${(open === "[" ? "]" : "}").repeat(d)}}`),
      chunked: false,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...PARAM_NAMES, "x[99999999]"), fc.string({ maxLength: 40 })), { maxLength: 6 })
      .map((fields) => ({
        kind: "multipart" as const,
        type: "multipart/form-data; boundary=zz",
        chunked: false,
        data: utf8(`${fields.map(([k, v]) => `--zz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("")}--zz--\r\n`),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        { type: "multipart/form-data", data: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n' },
        { type: "multipart/form-data; boundary=zz", data: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1' },
        { type: "multipart/form-data; boundary=zz", data: "--zz\r\nContent-Disposition: form-data\r\n\r\n1\r\n--zz--\r\n" },
        { type: "multipart/form-data; boundary=zz", data: "garbage" },
        { type: "multipart/form-data; boundary=", data: "--\r\n\r\n" },
        { type: "multipart/mixed; boundary=zz", data: "--zz--\r\n" },
      )
      .map((m) => ({ kind: "badmultipart" as const, type: m.type, data: utf8(m.data), chunked: false })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "application/json",
          "text/xml",
          "application/octet-stream",
          "text/plain",
          "application/x-www-form-urlencoded; charset=latin1",
          "image/png",
          "application/json; charset=utf-16",
        ),
        pairs,
      )
      .map(([type, p]) => ({ kind: "wrongtype" as const, type, data: utf8(p), chunked: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 400 })
      .map((a) => ({ kind: "bytes" as const, type: "application/x-www-form-urlencoded", data: Buffer.from(a), chunked: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=zz"),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
      )
      .map(([type, mb, chunked]) => ({ kind: "huge" as const, type, data: Buffer.alloc(mb * 1024 * 1024 + 1, "a=1&"), chunked })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const, chunked: false }) },
);

const version = fc.constantFrom("/v25.0", "", "/v2.3", "/v99.9");

const rawPathBytes = fc.constantFrom(
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from("%FF"),
  Buffer.from("..%2F..%2F"),
  Buffer.from("%00"),
);

const request = (
  family: string,
  method: string,
  target: string | Buffer,
  b?: { type?: string; data?: Buffer; chunked: boolean },
  headers: [string, string][] = [],
): HostileRequest => ({
  family,
  method,
  target: typeof target === "string" ? utf8(target) : target,
  headers: b?.type ? [["content-type", b.type], ...headers] : headers,
  body: b?.data,
  chunked: b?.chunked ?? false,
});

/** Every route family, each with hostile parameters and bodies. */
export const hostileRequest = (adminKey: string): fc.Arbitrary<HostileRequest> =>
  fc.oneof(
    // Graph nodes and edges, read with parameters.
    {
      weight: 8,
      arbitrary: fc
        .tuple(version, fc.constantFrom(...IDS), fc.option(fc.constantFrom(...READ_EDGES)), pairs, token)
        .map(([v, id, edge, q, t]) => request("graph-get", "GET", `${v}/${id}${edge ? `/${edge}` : ""}?${withToken(q, t)}`)),
    },
    // Graph writes with every kind of body.
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          version,
          fc.constantFrom("8001", "8002", "3001", "3002", "9001", "me"),
          fc.constantFrom(...WRITE_EDGES),
          body,
          token,
          fc.constantFrom("POST", "DELETE", "PUT"),
        )
        .map(([v, id, edge, b, t, m]) => request("graph-post", m, `${v}/${id}/${edge}?${withToken("", t)}`, b)),
    },
    // ids= and batch.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.array(fc.oneof(fc.constantFrom(...IDS), value), { maxLength: 80 }), pairs, token)
        .map(([ids, q, t]) => request("graph-ids", "GET", `/v25.0/?ids=${ids.join(",")}&${withToken(q, t)}`)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc
              .array(
                fc.record({
                  method: fc.constantFrom("GET", "POST", "DELETE", "x"),
                  relative_url: fc.oneof(
                    fc.constantFrom(...IDS.map((i) => `${i}?fields=id`), "8001/leads?x[99999999]=1", "8001/test_leads"),
                    value,
                  ),
                  body: fc.option(pairs),
                }),
                { maxLength: 60 },
              )
              .map((ops) => JSON.stringify(ops)),
            value,
          ),
          body,
          token,
        )
        .map(([batch, b, t]) => {
          const form =
            b.kind === "json"
              ? { type: "application/json", data: utf8(JSON.stringify({ batch })), chunked: false }
              : { type: "application/x-www-form-urlencoded", data: utf8(`batch=${encodeURIComponent(batch)}`), chunked: false };
          return request("graph-batch", "POST", `/?${withToken("", t)}`, form);
        }),
    },
    // oauth and debug_token.
    {
      weight: 2,
      arbitrary: fc
        .tuple(pairs, fc.constantFrom("client_credentials", "fb_exchange_token", "x"), value)
        .map(([q, g, v]) =>
          request(
            "oauth",
            "GET",
            `/v25.0/oauth/access_token?client_id=1001&client_secret=${v}&grant_type=${g}&fb_exchange_token=${v}&${q}`,
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pairs, value, token)
        .map(([q, v, t]) => request("debug_token", "GET", `/debug_token?input_token=${v}&${withToken(q, t)}`)),
    },
    // Export.
    {
      weight: 2,
      arbitrary: fc
        .tuple(pairs, fc.constantFrom("form", "ad", "x"), fc.constantFrom("8001", "7001", "x", "99999999999999999999"), token)
        .map(([q, type, id, t]) => request("export", "GET", `/ads/lead_gen/export_csv/?id=${id}&type=${type}&${withToken(q, t)}`)),
    },
    // The hosted form.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom("8001", "8002", "9001", "x", "%FF"), pairs, body, fc.boolean())
        .map(([id, q, b, post]) => (post ? request("form", "POST", `/forms/${id}?${q}`, b) : request("form", "GET", `/forms/${id}?${q}`))),
    },
    // The administration API, with and without the key.
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            "/apps",
            "/users",
            "/pages",
            "/ad_accounts",
            "/campaigns",
            "/adsets",
            "/ads",
            "/tokens",
            "/apps/1001",
            "/pages/3001",
            "/pages/3001/locations",
            "/forms/8001",
            "/pages/3001/forms",
            "/webhooks/deliveries",
            "/forms/8001/leads",
            "/nope",
          ),
          fc.oneof(
            body,
            fc
              .record({
                name: fc.oneof(
                  fc.string({ maxLength: 20 }),
                  fc.integer({ min: 200, max: 300_000 }).map((n) => "n".repeat(n)),
                ),
                id: fc.option(value),
              })
              .map((o) => ({ kind: "json" as const, type: "application/json", data: utf8(JSON.stringify(o)), chunked: false })),
          ),
          fc.boolean(),
          fc.boolean(),
          pairs,
        )
        .map(([path, b, post, keyed, q]) =>
          request(
            "admin",
            post ? "POST" : "GET",
            `/_leadgraph/admin${path}?${q}`,
            post ? b : undefined,
            keyed ? [[ADMIN_HEADER, adminKey]] : [],
          ),
        ),
    },
    // Paths no router expects: invalid UTF-8, raw bytes, dot segments, prototype names.
    {
      weight: 2,
      arbitrary: fc
        .tuple(rawPathBytes, fc.constantFrom("/", "/v25.0/", "/forms/", "/_leadgraph/admin/", "/8001/"))
        .map(([bytes, prefix]) => request("path", "GET", Buffer.concat([utf8(prefix), bytes, utf8("?access_token=EAAB-page-acme")]))),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          "/__proto__",
          "/constructor/leads",
          "/8001/__proto__",
          "/%2e%2e/%2e%2e/etc/passwd",
          "//8001//leads",
          "/8001/leads/",
          "/healthz?x[99999999]=1",
        )
        .map((p) => request("path", "GET", p)),
    },
    // Oversized headers (Node answers 431 before any route).
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 17_000, max: 40_000 })
        .map((n) => request("headers", "GET", "/v25.0/9001", undefined, [["x-filler", "a".repeat(n)]])),
    },
  );
