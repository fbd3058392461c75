import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  GraphApiError,
  GraphLeadsClient,
  parseUsageHeaders,
  retryDelay,
  DEFAULT_RETRY_POLICY,
  UsageGovernor,
} from "../../src/client/index.ts";

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse, body: string) => void;

/** A scripted Graph on a real socket: each test installs a handler and reads what was requested. */
let server: Server;
let base = "";
let handler: Handler = (_q, _u, res) => res.end("{}");
const seen: { method: string; url: URL; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push({ method: req.method ?? "", url, body });
      handler(req, url, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
};
const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) failed`, type: "OAuthException", code, fbtrace_id: "TRACE1", ...extra },
});

function client(extra: Partial<ConstructorParameters<typeof GraphLeadsClient>[0]> = {}) {
  const sleeps: number[] = [];
  const c = new GraphLeadsClient({
    accessToken: "TOKEN",
    baseUrl: base,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...extra,
  });
  return { c, sleeps };
}

describe("paging and filtering on a real socket", () => {
  it("follows cursors until next disappears, never stopping at Graph's 25", async () => {
    const all = Array.from({ length: 130 }, (_, i) => ({ id: String(1000 + i) }));
    handler = (_r, url, res) => {
      const limit = Number(url.searchParams.get("limit") ?? 25);
      const start = url.searchParams.get("after") ? Number(url.searchParams.get("after")) : 0;
      const data = all.slice(start, start + limit);
      const more = start + limit < all.length;
      json(res, 200, {
        data,
        paging: {
          cursors: { before: String(start), after: String(start + data.length) },
          ...(more ? { next: "https://unreachable.example/next" } : {}),
        },
      });
    };
    const ids: string[] = [];
    for await (const l of client().c.leads("55", { pageSize: 25 })) ids.push(l.id);
    expect(ids).toEqual(all.map((l) => l.id));
    expect(seen).toHaveLength(6);
    expect(seen[0]!.url.pathname).toBe("/v21.0/55/leads");
    expect(seen[0]!.url.searchParams.get("access_token")).toBe("TOKEN");
    expect(seen[1]!.url.searchParams.get("after")).toBe("25");
  });

  it("keeps going through an empty page that still has next", async () => {
    handler = (_r, url, res) => {
      const after = url.searchParams.get("after");
      if (!after) return json(res, 200, { data: [], paging: { cursors: { before: "a", after: "b" }, next: "x" } });
      json(res, 200, { data: [{ id: "1" }], paging: { cursors: { before: "b", after: "c" } } });
    };
    const ids: string[] = [];
    for await (const l of client().c.leads("55")) ids.push(l.id);
    expect(ids).toEqual(["1"]);
  });

  it("stops with an error when a server repeats a cursor", async () => {
    handler = (_r, _u, res) => json(res, 200, { data: [{ id: "1" }], paging: { cursors: { before: "a", after: "same" }, next: "x" } });
    const run = async () => {
      for await (const _ of client().c.leads("55")) void _;
    };
    await expect(run()).rejects.toThrow(/same paging cursor/);
  });

  it("sends since/until as time_created filtering, fields and limit", async () => {
    handler = (_r, _u, res) => json(res, 200, { data: [] });
    for await (const _ of client().c.leads("77", {
      since: new Date(1_700_000_000_000),
      until: 1_700_100_000,
      fields: ["id", "field_data"],
      pageSize: 500,
    }))
      void _;
    const q = seen[0]!.url.searchParams;
    expect(JSON.parse(q.get("filtering")!)).toEqual([
      { field: "time_created", operator: "GREATER_THAN_OR_EQUAL", value: 1_700_000_000 },
      { field: "time_created", operator: "LESS_THAN", value: 1_700_100_000 },
    ]);
    expect(q.get("fields")).toBe("id,field_data");
    expect(q.get("limit")).toBe("500");
  });

  it("adds appsecret_proof when a secret is given", async () => {
    handler = (_r, _u, res) => json(res, 200, { id: "1" });
    await client({ appSecret: "shh" }).c.getLead("1");
    expect(seen[0]!.url.searchParams.get("appsecret_proof")).toBe(createHmac("sha256", "shh").update("TOKEN").digest("hex"));
    await client().c.getLead("1");
    expect(seen[1]!.url.searchParams.has("appsecret_proof")).toBe(false);
  });
});

describe("errors and retries on a real socket", () => {
  it("waits out an 80005 for estimated_time_to_regain_access, then succeeds", async () => {
    let n = 0;
    handler = (_r, _u, res) => {
      n += 1;
      if (n === 1) {
        return json(res, 400, graphError(80005), {
          "x-business-use-case-usage": JSON.stringify({
            "3001": [{ type: "leadgen", call_count: 100, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 2 }],
          }),
        });
      }
      json(res, 200, { id: "9" });
    };
    const retries: GraphApiError[] = [];
    const { c, sleeps } = client({ onRetry: (e) => retries.push(e.error) });
    expect(await c.getLead("9")).toEqual({ id: "9" });
    expect(n).toBe(2);
    expect(retries[0]).toMatchObject({ code: 80005, isRateLimit: true, regainAccessSeconds: 120 });
    expect(sleeps).toEqual([120_000]);
  });

  it("retries transient 5xx with exponential backoff and gives up after maxRetries", async () => {
    handler = (_r, _u, res) =>
      json(res, 503, {
        error: { message: "Service temporarily unavailable", type: "OAuthException", code: 2, is_transient: true, fbtrace_id: "T" },
      });
    const { c, sleeps } = client({ retry: { maxRetries: 3, baseDelayMs: 100 } });
    const err = await c.getLead("9").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err).toMatchObject({ status: 503, code: 2, isTransient: true });
    expect(seen).toHaveLength(4);
    // random() = 0.5 → delay = 3/4 of the exponential step
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it("retries a 500 without a Graph body and a dropped connection", async () => {
    let n = 0;
    handler = (req, _u, res) => {
      n += 1;
      if (n === 1) return void res.writeHead(502).end("Bad gateway");
      if (n === 2) return void req.socket.destroy();
      json(res, 200, { id: "3" });
    };
    const { c, sleeps } = client();
    expect(await c.getLead("3")).toEqual({ id: "3" });
    expect(sleeps).toHaveLength(2);
  });

  it("does not retry permanent errors and keeps every error field", async () => {
    handler = (_r, _u, res) =>
      json(res, 400, {
        error: {
          message: "Error validating access token: Session has expired",
          type: "OAuthException",
          code: 190,
          error_subcode: 463,
          error_user_title: "T",
          error_user_msg: "M",
          fbtrace_id: "AbC",
        },
      });
    const { c, sleeps } = client();
    const err = (await c.getLead("3").catch((e: unknown) => e)) as GraphApiError;
    expect(err).toMatchObject({
      status: 400,
      code: 190,
      subcode: 463,
      type: "OAuthException",
      fbtraceId: "AbC",
      userTitle: "T",
      userMessage: "M",
      isTokenExpired: true,
      retryable: false,
    });
    expect(err.message).toMatch(/Session has expired/);
    expect([err.is_transient, err.fbtrace_id, err.error_subcode]).toEqual([false, "AbC", 463]);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
    handler = (_r, _u, res) => json(res, 400, graphError(100, { error_subcode: 33 }));
    await expect(c.getLead("3")).rejects.toMatchObject({ code: 100, subcode: 33 });
    expect(seen).toHaveLength(2);
  });

  it("slows down before the budget is spent when usage headers climb", async () => {
    let pct = 0;
    handler = (_r, _u, res) => {
      pct += 10;
      json(
        res,
        200,
        { id: "1" },
        {
          "x-business-use-case-usage": JSON.stringify({
            p: [{ type: "leadgen", call_count: pct, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
          }),
        },
      );
    };
    const governor = new UsageGovernor({ slowDownAt: 75, maxPauseMs: 1000 });
    const { c, sleeps } = client({ governor });
    for (let i = 0; i < 11; i++) await c.getLead("1");
    // Calls after answers reporting 80%, 90% and 100% pause, growing to the full pause at 100%.
    expect(sleeps.length).toBe(3);
    expect(sleeps[0]!).toBeLessThan(sleeps[1]!);
    expect(sleeps[2]).toBe(1000);
    expect(governor.pauses).toBe(3);
  });

  it("posts subscriptions and installs urlencoded, with the app token", async () => {
    handler = (_r, _u, res) => json(res, 200, { success: true });
    const { c } = client({ appSecret: "sec" });
    await c.subscribeApp({ appId: "1001", callbackUrl: "https://x/webhook", verifyToken: "vt" });
    await c.installOnPage("3001");
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url.pathname).toBe("/v21.0/1001/subscriptions");
    expect(seen[0]!.url.searchParams.get("access_token")).toBe("1001|sec");
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toMatchObject({
      object: "page",
      fields: "leadgen",
      callback_url: "https://x/webhook",
      verify_token: "vt",
    });
    expect(seen[1]!.url.pathname).toBe("/v21.0/3001/subscribed_apps");
    expect(new URLSearchParams(seen[1]!.body).get("subscribed_fields")).toBe("leadgen");
  });

  it("streams the CSV export from the unversioned path", async () => {
    handler = (_r, _u, res) => {
      res.writeHead(200, { "content-type": "text/csv" });
      res.write("id,created_time\n");
      res.end("l:1,2026-01-01\n");
    };
    const stream = await client().c.exportCsv("8001", { from: 100, to: 200 });
    const text = await new Response(stream).text();
    expect(text).toBe("id,created_time\nl:1,2026-01-01\n");
    expect(seen[0]!.url.pathname).toBe("/ads/lead_gen/export_csv/");
    expect(Object.fromEntries(seen[0]!.url.searchParams)).toMatchObject({ id: "8001", type: "form", from_date: "100", to_date: "200" });
  });

  it("reads debug_token data", async () => {
    handler = (_r, _u, res) => json(res, 200, { data: { is_valid: true, expires_at: 0, type: "PAGE", app_id: "1001" } });
    const d = await client({ appSecret: "sec" }).c.debugToken({ appId: "1001" });
    expect(d).toMatchObject({ is_valid: true, expires_at: 0 });
    expect(seen[0]!.url.searchParams.get("input_token")).toBe("TOKEN");
    expect(seen[0]!.url.searchParams.get("access_token")).toBe("1001|sec");
  });
});

describe("retry policy and usage parsing (pure)", () => {
  it("never retries token errors and honours the regain time for rate limits", () => {
    const token = new GraphApiError({ status: 400, code: 190, type: "OAuthException", message: "x", isTransient: true });
    expect(retryDelay(token, 1, DEFAULT_RETRY_POLICY, () => 0)).toBeUndefined();
    const rl = new GraphApiError({
      status: 400,
      code: 4,
      type: "OAuthException",
      message: "x",
      isTransient: false,
      regainAccessSeconds: 600,
    });
    expect(retryDelay(rl, 1, DEFAULT_RETRY_POLICY, () => 0)).toBe(300_000);
    expect(retryDelay(rl, 1, { ...DEFAULT_RETRY_POLICY, maxDelayMs: 1_000_000 }, () => 0)).toBe(600_000);
  });

  it("parses all three usage headers and takes the highest percentage", () => {
    const u = parseUsageHeaders(
      new Headers({
        "x-app-usage": '{"call_count":40,"total_time":5,"total_cputime":1}',
        "x-business-use-case-usage":
          '{"1":[{"type":"leadgen","call_count":3,"total_time":90,"total_cputime":1,"estimated_time_to_regain_access":0}]}',
      }),
    );
    expect(u).toMatchObject({ percent: 90, regainAccessSeconds: 0 });
    expect(parseUsageHeaders(new Headers())).toBeUndefined();
    expect(parseUsageHeaders(new Headers({ "x-app-usage": "not json" }))).toBeUndefined();
  });
});
