import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { readWorld } from "./support/read-world.ts";

const PAGE = "EAAB-page-acme";

describe.each(databaseKinds())("Graph request encodings and error envelope (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: readWorld(4) });
  });
  afterAll(async () => h?.close());

  const inject = async (opts: { method?: string; url: string; payload?: string | object; headers?: Record<string, string> }) => {
    const res = await h.app.inject({
      method: (opts.method ?? "GET") as "GET",
      url: opts.url,
      ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
      headers: opts.headers ?? {},
    });
    return { status: res.statusCode, headers: res.headers, text: res.body, body: JSON.parse(res.body) };
  };

  const expectEnvelope = (res: { status: number; headers: Record<string, unknown>; text: string; body: any }) => {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(Object.keys(res.body)).toEqual(["error"]);
    expect(res.body.error.message).toBeTypeOf("string");
    expect(res.body.error.type).toBeTypeOf("string");
    expect(Number.isInteger(res.body.error.code)).toBe(true);
    expect(res.body.error.fbtrace_id).toBe(res.headers["x-fb-trace-id"]);
    expect(res.text).not.toMatch(/<html|at \w+ \(|node_modules/i);
  };

  it("sends Graph headers on success and error", async () => {
    for (const url of [`/v25.0/9001?access_token=${PAGE}`, "/v25.0/9001"]) {
      const res = await inject({ url });
      expect(res.headers["content-type"]).toBe("application/json; charset=UTF-8");
      expect(res.headers["facebook-api-version"]).toBe("v25.0");
      expect(res.headers["x-fb-trace-id"]).toMatch(/^[\w-]{11}$/);
      expect(res.headers["x-fb-request-id"]).toBe(res.headers["x-fb-trace-id"]);
    }
  });

  it("answers 104 without a token, with WWW-Authenticate", async () => {
    const res = await inject({ url: "/9001" });
    expectEnvelope(res);
    expect(res.body.error).toMatchObject({
      code: 104,
      type: "OAuthException",
      message: "An access token is required to request this resource.",
    });
    expect(res.headers["www-authenticate"]).toBe(
      'OAuth "Facebook Platform" "invalid_request" "An access token is required to request this resource."',
    );
  });

  it("answers 190 for an unknown token and 190/463 for an expired one", async () => {
    const bad = await inject({ url: "/9001?access_token=EAAB-nope-nope" });
    expectEnvelope(bad);
    expect(bad.body.error).toMatchObject({ code: 190, type: "OAuthException" });
    expect(bad.headers["www-authenticate"]).toMatch(/^OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token/);
    const expired = await inject({ url: "/9001?access_token=EAAB-expired-1" });
    expectEnvelope(expired);
    expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(expired.body.error.message).toMatch(
      /^Error validating access token: Session has expired on \w+day, \d\d-\w{3}-\d\d \d\d:\d\d:\d\d P[SD]T\. The current time is/,
    );
    expect(expired.headers["www-authenticate"]).toContain('"invalid_token"');
  });

  it("answers 2500 for unknown paths and 100/33 for unknown edges' methods", async () => {
    const res = await inject({ url: `/9001/leads/x?access_token=${PAGE}` });
    expectEnvelope(res);
    expect(res.body.error).toMatchObject({ code: 2500, message: "Unknown path components: /x" });
    const edge = await inject({ url: `/8001/nope?access_token=${PAGE}` });
    expect(edge.body.error).toMatchObject({ code: 2500, message: "Unknown path components: /nope" });
  });

  it("answers a version Meta never published as an unknown path, through both read paths", async () => {
    for (const url of [`/v99.0/9001?access_token=${PAGE}`, `/v2.80/9001/leads?access_token=${PAGE}`, `/v27.1/9001?access_token=${PAGE}`]) {
      const res = await inject({ url });
      expectEnvelope(res);
      expect(res.status, url).toBe(400);
      expect(res.body.error, url).toMatchObject({ code: 2500, type: "OAuthException" });
      expect(res.body.error.message, url).toMatch(/^Unknown path components: \/9001/);
    }
    // Over a socket, plain reads take the lean path before Fastify: the same answers.
    const base = await h.listen();
    const lean = await fetch(`${base}/v99.0/9001?access_token=${PAGE}`);
    expect(lean.status).toBe(400);
    expect(((await lean.json()) as { error: { code: number } }).error.code).toBe(2500);
    const upgraded = await fetch(`${base}/v19.0/9001?access_token=${PAGE}`);
    expect(upgraded.status).toBe(200);
    expect(upgraded.headers.get("facebook-api-version")).toBe("v21.0");
    const post = await inject({ method: "POST", url: "/v99.0/8001/test_leads", payload: { access_token: PAGE } });
    expect(post.body.error).toMatchObject({ code: 2500 });
    // Published after the server's clock (v27.0 appeared on 2026-11-04; the clock is moved before it).
    const saved = h.clock.nowMs();
    h.clock.set(Date.UTC(2026, 9, 1));
    try {
      expect((await inject({ url: `/v27.0/9001?access_token=${PAGE}` })).body.error).toMatchObject({ code: 2500 });
    } finally {
      h.clock.set(saved);
    }
    const served = await inject({ url: `/v2.12/9001?access_token=${PAGE}&fields=id` });
    expect(served.body).toEqual({ id: "9001" });
    expect(served.headers["facebook-api-version"]).toBe("v21.0");
  });

  it("accepts /vNN.0/ or no prefix, and a trailing slash", async () => {
    for (const url of ["/v25.0/9001/", "/9001/", "/9001", "/v19.0/9001", "//9001"]) {
      const res = await inject({ url: `${url}?access_token=${PAGE}&fields=id` });
      expect(res.status, url).toBe(200);
      expect(res.body, url).toEqual({ id: "9001" });
    }
    // At the harness's clock (2026-11-28) v19.0 is retired: Meta upgrades it to the oldest version
    // still served, and says so in the header.
    const v = await inject({ url: `/v19.0/9001?access_token=${PAGE}` });
    expect(v.headers["facebook-api-version"]).toBe("v21.0");
    const current = await inject({ url: `/v23.0/9001?access_token=${PAGE}` });
    expect(current.headers["facebook-api-version"]).toBe("v23.0");
    const batchRoot = await inject({
      method: "POST",
      url: "/v25.0/",
      payload: { access_token: PAGE, batch: [{ method: "GET", relative_url: "9001?fields=id" }] },
    });
    expect(batchRoot.status).toBe(200);
    expect(JSON.parse(batchRoot.body[0].body)).toEqual({ id: "9001" });
  });

  it("takes the token from query, urlencoded, multipart, JSON body or Bearer header", async () => {
    const want = { id: "9001" };
    const q = await inject({ url: `/9001?fields=id&access_token=${PAGE}` });
    expect(q.body).toEqual(want);
    const form = await inject({
      method: "POST",
      url: "/9001",
      payload: `method=get&fields=id&access_token=${PAGE}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.body).toEqual(want);
    const boundary = "----lgboundary";
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="access_token"',
      "",
      PAGE,
      `--${boundary}`,
      'Content-Disposition: form-data; name="fields"',
      "",
      "id",
      `--${boundary}`,
      'Content-Disposition: form-data; name="method"',
      "",
      "GET",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const mp = await inject({
      method: "POST",
      url: "/9001",
      payload: multipart,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    expect(mp.body).toEqual(want);
    const json = await inject({ method: "POST", url: "/9001?method=get", payload: { access_token: PAGE, fields: "id" } });
    expect(json.body).toEqual(want);
    const bearer = await inject({ url: "/9001?fields=id", headers: { authorization: `Bearer ${PAGE}` } });
    expect(bearer.body).toEqual(want);
  });

  it("accepts a GET carrying a {} JSON body, and an empty JSON body", async () => {
    for (const payload of ["{}", ""]) {
      const res = await inject({ url: `/9001?fields=id&access_token=${PAGE}`, payload, headers: { "content-type": "application/json" } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: "9001" });
    }
  });

  it("refuses an unparseable JSON body with (#100), not a 5xx", async () => {
    const res = await inject({
      method: "POST",
      url: `/9001?access_token=${PAGE}`,
      payload: "{nope",
      headers: { "content-type": "application/json" },
    });
    expectEnvelope(res);
    expect(res.body.error.code).toBe(100);
  });

  it("ignores unknown and framework params", async () => {
    const res = await inject({
      url: `/9001?fields=id&access_token=${PAGE}&summary=true&cursor=x&sdk=joey&id=1&debug=all&format=json&locale=en_US&xref=y`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "9001" });
  });

  it("honours method= overrides", async () => {
    const del = await inject({ url: `/9001?method=delete&access_token=${PAGE}` });
    expectEnvelope(del);
    expect(del.body.error.message).toMatch(/^Unsupported delete request/);
    const get = await inject({ method: "POST", url: `/9001?method=GET&fields=id&access_token=${PAGE}` });
    expect(get.body).toEqual({ id: "9001" });
  });

  it("honours suppress_http_code and pretty", async () => {
    const res = await inject({ url: "/9001?suppress_http_code=1" });
    expect(res.status).toBe(200);
    expect(res.body.error.code).toBe(104);
    const pretty = await inject({ url: `/9001?fields=id&pretty=1&access_token=${PAGE}` });
    expect(pretty.text).toBe('{\n  "id": "9001"\n}');
    const compact = await inject({ url: `/9001?fields=id&pretty=0&access_token=${PAGE}` });
    expect(compact.text).toBe('{"id":"9001"}');
  });

  it("answers unsupported HTTP verbs and oversized bodies with the envelope", async () => {
    const put = await inject({ method: "PUT", url: `/9001?access_token=${PAGE}` });
    expectEnvelope(put);
    const big = await inject({
      method: "POST",
      url: `/9001?access_token=${PAGE}`,
      payload: `fields=${"a".repeat(h.runtime.config.bodyLimitBytes + 10)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectEnvelope(big);
    expect(big.body.error.code).toBe(100);
  });

  it("answers a non-numeric object id with 803 and SQL-looking ids without reading anything", async () => {
    const res = await inject({ url: `/${encodeURIComponent("1 OR 1=1; drop table leads")}?access_token=${PAGE}` });
    expectEnvelope(res);
    expect(res.body.error.code).toBe(803);
    expect((await inject({ url: `/9001?fields=id&access_token=${PAGE}` })).status).toBe(200);
  });

  it("answers paths with broken percent-encoding in Graph's shape", async () => {
    for (const url of ["/%", "/a%2", "/%E0%A4%A/leads"]) {
      const res = await inject({ url: `${url}?access_token=${PAGE}` });
      expectEnvelope(res);
      expect(res.body.error.code, url).toBe(2500);
    }
  });

  it("does not treat Object.prototype names as paths, and bracket keys cannot pollute prototypes", async () => {
    for (const path of ["/toString", "/constructor", "/__proto__", "/9001/constructor", "/8001/__proto__"]) {
      const res = await inject({ url: `${path}?access_token=${PAGE}` });
      expectEnvelope(res);
      expect([803, 2500], path).toContain(res.body.error.code);
    }
    const res = await inject({ url: `/9001?fields=id&access_token=${PAGE}&__proto__[polluted]=1&constructor[prototype][polluted]=1` });
    expect(res.body).toEqual({ id: "9001" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const json = await inject({
      method: "POST",
      url: "/9001?method=get&fields=id",
      payload: '{"__proto__":{"access_token":"EAAB-page-acme"}}',
      headers: { "content-type": "application/json" },
    });
    expect(json.body.error.code).toBe(104);
  });
});
