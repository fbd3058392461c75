import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leanReadsOf } from "../src/http/app.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * Plain Graph GETs over a real socket are answered by the lean path (graph/lean-reads.ts), the rest
 * and everything `inject` sends by the Fastify route. Both must give the same answers: each case
 * is asked both ways and compared, status, body and headers.
 */
const LEAN = [
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
];
/** Left to Fastify: framing parameters, aliases, odd paths. */
const FASTIFY_ONLY = [
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

describe.each(databaseKinds())("lean Graph reads answer as the Fastify route does (%s)", (kind) => {
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
    return { status: res.status, headers: out, body: JSON.parse(await res.text()) as Record<string, unknown> };
  };
  const injected = async (path: string, headers: Record<string, string> = {}) => {
    const res = await h.app.inject({ method: "GET", url: path, headers });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
    return { status: res.statusCode, headers: out, body: JSON.parse(res.body) as Record<string, unknown> };
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
    for (const k of ["x-business-use-case-usage", "x-app-usage"]) if (k in headers) headers[k] = Object.keys(JSON.parse(headers[k]!)).join(",");
    return { status: r.status, headers, body };
  };

  it("every plain GET is answered by the lean path, exactly as the Fastify route answers it", async () => {
    const lean = leanReadsOf(h.app)!;
    for (const path of LEAN) {
      const before = lean.served;
      const socket = await overSocket(path);
      expect(lean.served, path).toBe(before + 1);
      expect(socket.headers["x-fb-trace-id"], path).toMatch(/^[\w-]{11}$/);
      expect(socket.headers["x-fb-request-id"], path).toBe(socket.headers["x-fb-trace-id"]);
      expect(comparable(socket), path).toEqual(comparable(await injected(path)));
    }
  });

  it("the token may come in an Authorization header", async () => {
    const lean = leanReadsOf(h.app)!;
    const before = lean.served;
    for (const auth of ["Bearer EAAB-page-acme", "OAuth EAAB-user-ann", "Bearer nope-nope-nope"]) {
      const socket = await overSocket("/v25.0/9001", { authorization: auth });
      expect(comparable(socket), auth).toEqual(comparable(await injected("/v25.0/9001", { authorization: auth })));
    }
    expect(lean.served).toBe(before + 3);
  });

  it("framing parameters, aliases and odd paths are left to Fastify, with the same answers", async () => {
    const lean = leanReadsOf(h.app)!;
    const before = lean.served;
    for (const path of FASTIFY_ONLY) {
      const socket = await fetch(base + path);
      const text = await socket.text();
      const inj = await h.app.inject({ method: "GET", url: path });
      expect(socket.status, path).toBe(inj.statusCode);
      expect(text.replace(/"fbtrace_id":"[^"]+"/, ""), path).toBe(inj.body.replace(/"fbtrace_id":"[^"]+"/, ""));
    }
    expect(lean.served).toBe(before);
  });

  it("lean answers are counted in the request metrics under the Graph route's labels", async () => {
    const metric = async () => {
      const text = (await h.app.inject({ method: "GET", url: "/metrics" })).body;
      const m = /leadgraph_http_requests_total\{method="GET",route="graph \/\{id\}",status="200"\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0);
    };
    const before = await metric();
    for (let i = 0; i < 3; i++) expect((await overSocket("/v25.0/9001?access_token=EAAB-page-acme")).status).toBe(200);
    expect(await metric()).toBe(before + 3);
  });

  it("answers to requests read in the same turn of the event loop are written out together, each one whole", async () => {
    const lean = leanReadsOf(h.app)!;
    const { port } = new URL(base);
    const paths = ["/v25.0/9001?access_token=EAAB-page-acme", "/v25.0/9002?access_token=EAAB-page-acme", "/v25.0/9001?access_token=EAAB-page-other",
      "/v25.0/9001?fields=id,field_data&access_token=EAAB-page-acme", "/v25.0/99999999?access_token=EAAB-page-acme", "/v25.0/9002?access_token=EAAB-user-ann"];
    const sockets = await Promise.all(paths.map(() => new Promise<Socket>((resolve, reject) => {
      const s = connect(Number(port), "127.0.0.1", () => resolve(s)).once("error", reject);
    })));
    const replies = sockets.map((s) => new Promise<string>((resolve) => {
      let text = "";
      s.setEncoding("utf8").on("data", (d: string) => {
        text += d;
        const head = text.indexOf("\r\n\r\n");
        const length = /content-length: (\d+)/i.exec(text)?.[1];
        if (head >= 0 && length !== undefined && Buffer.byteLength(text.slice(head + 4)) >= Number(length)) resolve(text);
      });
    }));
    // Let the server accept every connection first.
    await new Promise((r) => setTimeout(r, 20));
    const before = { served: lean.served, flushes: lean.flushes };
    sockets.forEach((s, i) => s.write(`GET ${paths[i]} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
    // Hold this (the server's) thread until every request is in the server's socket buffers: its
    // next poll then reads them all in one turn.
    const until = performance.now() + 50;
    while (performance.now() < until);
    const texts = await Promise.all(replies);
    for (const s of sockets) s.destroy();
    expect(lean.served - before.served).toBe(paths.length);
    // SQLite reads finish within the turn; PostgreSQL answers arrive over their own sockets, turns later.
    if (kind === "sqlite") expect(lean.flushes - before.flushes).toBe(1);
    else expect(lean.flushes - before.flushes).toBeLessThanOrEqual(paths.length);
    // Each socket got its own request's answer, whole, as the Fastify route gives it.
    for (const [i, text] of texts.entries()) {
      const split = text.indexOf("\r\n\r\n");
      const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const raw = { status: Number(/^HTTP\/1\.1 (\d+)/.exec(statusLine!)![1]), headers, body: JSON.parse(text.slice(split + 4)) as Record<string, unknown> };
      expect(comparable(raw), paths[i]).toEqual(comparable(await injected(paths[i]!)));
    }
  });
});
