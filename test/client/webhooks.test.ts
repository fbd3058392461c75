import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import {
  answerChallenge,
  createNodeWebhookHandler,
  expressWebhookHandler,
  fastifyWebhookPlugin,
  type LeadgenChange,
  metaJson,
  parseLeadgenWebhook,
  signBody,
  verifySignature,
} from "../../src/client/index.ts";

const SECRET = "app-secret";
// Meta signs its escaped-unicode serialization: re-serializing would change these bytes.
const body = metaJson({
  object: "page",
  entry: [
    {
      id: "3001",
      time: 1_795_867_200,
      changes: [
        {
          field: "leadgen",
          value: {
            ad_id: "7001",
            form_id: "8001",
            leadgen_id: "12345678901234567890",
            created_time: 1_795_867_100,
            page_id: "3001",
            adgroup_id: "7001",
          },
        },
        {
          field: "leadgen",
          value: { form_id: "8001", leadgen_id: "582128261560337", created_time: 1_795_867_150, page_id: "3001", note: "Zoë" },
        },
        { field: "feed", value: { item: "post" } },
      ],
    },
  ],
});

describe("verifySignature", () => {
  it("accepts sha256 over the raw bytes and falls back to sha1 only without a sha256 header", () => {
    const sig = signBody(body, SECRET);
    expect(body).toContain("Zo\\u00eb");
    expect(verifySignature(Buffer.from(body), sig, SECRET)).toEqual({ ok: true, algorithm: "sha256" });
    expect(verifySignature(body, { "X-Hub-Signature": sig["x-hub-signature"] }, SECRET)).toEqual({ ok: true, algorithm: "sha1" });
    expect(verifySignature(body, new Headers({ "x-hub-signature-256": sig["x-hub-signature-256"] }), SECRET).ok).toBe(true);
  });

  it("rejects a body re-serialized by a JSON parser, a wrong secret, a wrong sha256 even with a good sha1, and no header", () => {
    const sig = signBody(body, SECRET);
    expect(verifySignature(JSON.stringify(JSON.parse(body)), sig, SECRET)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature(body, sig, "other")).toEqual({ ok: false, reason: "mismatch" });
    expect(
      verifySignature(body, { "x-hub-signature-256": "sha256=" + "0".repeat(64), "x-hub-signature": sig["x-hub-signature"] }, SECRET).ok,
    ).toBe(false);
    expect(verifySignature(body, {}, SECRET)).toEqual({ ok: false, reason: "missing" });
    expect(verifySignature(body, { "x-hub-signature-256": "md5=abc" }, SECRET)).toEqual({ ok: false, reason: "malformed" });
    expect(verifySignature(body, { "x-hub-signature-256": "sha256=abc" }, SECRET)).toEqual({ ok: false, reason: "mismatch" });
  });
});

describe("parseLeadgenWebhook", () => {
  it("returns typed leadgen changes, keeps 20-digit ids exact and skips other fields", () => {
    const numeric = body.replace('"12345678901234567890"', "12345678901234567890");
    const expected: LeadgenChange[] = [
      {
        leadId: "12345678901234567890",
        pageId: "3001",
        formId: "8001",
        adId: "7001",
        createdTime: 1_795_867_100,
        entryTime: 1_795_867_200,
      },
      { leadId: "582128261560337", pageId: "3001", formId: "8001", createdTime: 1_795_867_150, entryTime: 1_795_867_200 },
    ];
    expect(parseLeadgenWebhook(body)).toEqual(expected);
    expect(parseLeadgenWebhook(Buffer.from(numeric))).toEqual(expected);
    expect(parseLeadgenWebhook({ object: "user", entry: [] })).toEqual([]);
    expect(() => parseLeadgenWebhook("{nope")).toThrow(/not JSON/);
  });
});

describe("answerChallenge", () => {
  it("echoes the challenge only for the right verify token", () => {
    const q = new URLSearchParams({ "hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "vt" });
    expect(answerChallenge(q, "vt")).toEqual({ status: 200, body: "1158201444" });
    expect(answerChallenge(q, "other").status).toBe(403);
    expect(answerChallenge(new URLSearchParams(), "vt").status).toBe(400);
    expect(answerChallenge({ hub: { mode: "subscribe", challenge: "7", verify_token: "vt" } }, "vt")).toEqual({ status: 200, body: "7" });
  });
});

describe("ready-made handlers keep the raw body (real sockets)", () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  async function exercise(url: string, received: LeadgenChange[][]): Promise<void> {
    const hs = await fetch(`${url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=vt`);
    expect(hs.status).toBe(200);
    expect(await hs.text()).toBe("42");
    expect((await fetch(`${url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=no`)).status).toBe(403);
    const ok = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...signBody(body, SECRET) } });
    expect(ok.status).toBe(200);
    const forged = await fetch(url, {
      method: "POST",
      body: body.replace("8001", "8002"),
      headers: { "content-type": "application/json", ...signBody(body, SECRET) },
    });
    expect(forged.status).toBe(403);
    const unsigned = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(401);
    expect(received).toHaveLength(1);
    expect(received[0]!.map((c) => c.leadId)).toEqual(["12345678901234567890", "582128261560337"]);
  }

  const opts = (received: LeadgenChange[][]) => ({
    appSecret: SECRET,
    verifyToken: "vt",
    onLeadgen: (c: LeadgenChange[]) => void received.push(c),
  });

  it("node:http", async () => {
    const received: LeadgenChange[][] = [];
    const server: Server = createServer(createNodeWebhookHandler(opts(received)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => server.close(r)));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, received);
  });

  it("Express, mounted before express.json()", async () => {
    const received: LeadgenChange[][] = [];
    const app = express();
    app.all("/webhook", expressWebhookHandler(opts(received)));
    app.use(express.json());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    closers.push(() => new Promise((r) => server.close(r)));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, received);
  });

  it("Express behind express.raw()", async () => {
    const received: LeadgenChange[][] = [];
    const app = express();
    app.all("/webhook", express.raw({ type: "*/*" }), expressWebhookHandler(opts(received)));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    closers.push(() => new Promise((r) => server.close(r)));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, received);
  });

  it("Fastify plugin beside the app's own JSON routes", async () => {
    const received: LeadgenChange[][] = [];
    const app = Fastify();
    await app.register(fastifyWebhookPlugin({ ...opts(received), path: "/hooks/meta" }));
    app.post("/other", async (req) => ({ echoed: req.body }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => app.close());
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await exercise(`${url}/hooks/meta`, received);
    const other = await fetch(`${url}/other`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect(await other.json()).toEqual({ echoed: { a: 1 } });
  });

  it("answers 500 (so Meta retries) when the notification could not be recorded", async () => {
    const server = createServer(
      createNodeWebhookHandler({
        appSecret: SECRET,
        verifyToken: "vt",
        onLeadgen: async () => {
          throw new Error("db down");
        },
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => server.close(r)));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      method: "POST",
      body,
      headers: signBody(body, SECRET),
    });
    expect(res.status).toBe(500);
  });

  it("node:http: a request that breaks off mid-body leaves no unhandled rejection behind", async () => {
    const unhandled: unknown[] = [];
    const record = (e: unknown) => void unhandled.push(e);
    process.on("unhandledRejection", record);
    closers.push(async () => void process.off("unhandledRejection", record));
    const server = createServer(createNodeWebhookHandler(opts([])));
    const broken = new Promise<void>((r) => server.once("request", (_req, res) => res.once("close", r)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => server.close(r)));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`POST /webhook HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length * 2}\r\n\r\n${body}`, () => socket.destroy());
    });
    await broken;
    // A complete request afterwards: by its answer the broken one's rejection has had every turn to surface.
    const res = await fetch(`http://127.0.0.1:${port}/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=ok`);
    expect(await res.text()).toBe("ok");
    expect(unhandled).toEqual([]);
  });
});
