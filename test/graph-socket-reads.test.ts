import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * One pipeline: a Graph read over a real socket is answered by the same Fastify app that `inject`
 * exercises. Each call is asked both ways and compared, status, body and headers, so anything that
 * only one transport sees (a server-level listener, a header set outside Fastify) shows up here.
 */
const CALLS = [
  "/v25.0/9001?access_token=EAAB-page-acme",
  "/v25.0/9001/?access_token=EAAB-page-acme",
  "/9001?access_token=EAAB-page-acme",
  "/v25.0/9001?fields=id,created_time,ad_id,ad_name,campaign_name,field_data,is_organic,platform&access_token=EAAB-page-acme",
  "/v25.0/9001?fields=id,ad{name,id}&access_token=EAAB-user-ann",
  "/v25.0/9001?fields=nonsense&access_token=EAAB-page-acme",
  "/v25.0/9001?access_token=EAAB-page-other",
  "/v25.0/9001?access_token=EAAB-user-bob",
  "/v25.0/9001?access_token=not-a-real-token-123456",
  "/v25.0/9001",
  "/v25.0/9001?access_token=EAAB-page-acme&appsecret_proof=00ff",
  "/v25.0/99999999?access_token=EAAB-page-acme",
  "/v25.0/8001?access_token=EAAB-page-acme",
  "/v25.0/8001/leads?limit=3&access_token=EAAB-page-acme",
  "/v25.0/8001/leads?limit=2&fields=id,field_data&filtering=%5B%7B%22field%22%3A%22time_created%22%2C%22operator%22%3A%22GREATER_THAN%22%2C%22value%22%3A1%7D%5D&access_token=EAAB-page-acme",
  "/v25.0/8001/leads?limit=abc&access_token=EAAB-page-acme",
  "/v25.0/8001/nonsense_edge?access_token=EAAB-page-acme",
  "/v25.0/7001/leads?limit=2&access_token=EAAB-user-ann",
  "/v25.0/7001?access_token=EAAB-user-ann",
  "/v25.0/3001?fields=id,name&access_token=EAAB-page-acme",
  "/v25.0/3001/leadgen_forms?access_token=EAAB-page-acme",
  "/v25.0/9001?access_token=EAAB-page-acme&a=%&b=%E0%A4%A&__proto__=x&fields[0]=id&fields[1]=platform",
  "/v25.0/9001?access_token=EAAB-page-acme&access_token=EAAB-user-bob",
  "/v25.0/9001?access_token=EAAB-page-acme&pretty=1",
  "/v25.0/9001?access_token=EAAB-page-acme&suppress_http_code=1",
  "/v25.0/9001?access_token=EAAB-page-acme&method=delete",
  "/v25.0/me?access_token=EAAB-page-acme",
  "/v25.0/act_4001?access_token=EAAB-user-ann",
  "/v25.0//9001?access_token=EAAB-page-acme",
  "/v25.0/%39001?access_token=EAAB-page-acme",
  "/?ids=9001,9002&access_token=EAAB-page-acme",
];
/** Headers that differ per request or per socket whichever path answers. */
const PER_REQUEST = new Set(["date", "connection", "keep-alive", "x-fb-trace-id", "x-fb-request-id", "transfer-encoding"]);

describe.each(databaseKinds())("Graph reads over a socket answer as inject does (%s)", (kind) => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    base = await h.listen();
  });
  afterAll(async () => {
    await h?.close();
  });

  const overSocket = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    const text = await res.text();
    return { status: res.status, headers: out, body: JSON.parse(text) as Record<string, unknown>, text };
  };
  const injected = async (path: string, headers: Record<string, string> = {}) => {
    const res = await h.app.inject({ method: "GET", url: path, headers });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
    return { status: res.statusCode, headers: out, body: JSON.parse(res.body) as Record<string, unknown>, text: res.body };
  };
  const comparable = (r: Awaited<ReturnType<typeof overSocket>>) => {
    const body = structuredClone(r.body);
    const err = body.error as Record<string, unknown> | undefined;
    if (err) {
      expect(err.fbtrace_id).toBe(r.headers["x-fb-trace-id"]);
      delete err.fbtrace_id;
    }
    const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !PER_REQUEST.has(k)));
    // Usage figures move with every metered read; their presence and shape must match.
    for (const k of ["x-business-use-case-usage", "x-app-usage"])
      if (k in headers) headers[k] = Object.keys(JSON.parse(headers[k]!)).join(",");
    return { status: r.status, headers, body };
  };

  it("every call gets the same answer over a socket as through inject", async () => {
    for (const path of CALLS) {
      const socket = await overSocket(path);
      expect(socket.headers["x-fb-trace-id"], path).toMatch(/^[\w-]{11}$/);
      expect(socket.headers["x-fb-request-id"], path).toBe(socket.headers["x-fb-trace-id"]);
      const injectedAnswer = await injected(path);
      expect(comparable(socket), path).toEqual(comparable(injectedAnswer));
      // Byte for byte too (`pretty` framing included), once the per-request trace id is set aside.
      const untraced = (t: string) => t.replace(/"fbtrace_id": ?"[^"]+"/, "");
      expect(untraced(socket.text), path).toBe(untraced(injectedAnswer.text));
    }
  });

  it("the token may come in an Authorization header", async () => {
    for (const auth of ["Bearer EAAB-page-acme", "OAuth EAAB-user-ann", "Bearer nope-nope-nope"]) {
      const socket = await overSocket("/v25.0/9001", { authorization: auth });
      expect(comparable(socket), auth).toEqual(comparable(await injected("/v25.0/9001", { authorization: auth })));
    }
  });

  it("socket reads are counted in the request metrics under the Graph route's labels", async () => {
    const metric = async () => {
      const text = (await h.app.inject({ method: "GET", url: "/metrics" })).body;
      const m = /leadgraph_http_requests_total\{method="GET",route="graph \/\{id\}",status="200"\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0);
    };
    const before = await metric();
    for (let i = 0; i < 3; i++) expect((await overSocket("/v25.0/9001?access_token=EAAB-page-acme")).status).toBe(200);
    expect(await metric()).toBe(before + 3);
  });
});
