import diagnostics from "node:diagnostics_channel";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRelay } from "../src/cli/webhooks/listen-relay.ts";
import { postWebhook, webhookAgent } from "../src/dispatcher/post-webhook.ts";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import type { HostResolver } from "../src/domain/webhooks/outbound-policy.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { loadWorld } from "../src/world/load-world.ts";
import { admin } from "./support/admin-client.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { TrapServer } from "./support/trap-server.ts";
import { exampleWorld } from "./support/worlds.ts";

const APP_TOKEN = "1001|s3cr3t-acme";

/** The example world without its loopback subscription (a networked server refuses to load it). */
function worldWithoutSubscriptions() {
  const world = exampleWorld();
  world.subscriptions = [];
  return world;
}

/** Client sockets created through net.connect/tls.connect (undici's) while `run` runs. */
async function socketsOpenedDuring<T>(run: () => Promise<T>): Promise<{ result: T; sockets: number }> {
  let sockets = 0;
  const onSocket = () => sockets++;
  diagnostics.subscribe("net.client.socket", onSocket);
  try {
    const result = await run();
    return { result, sockets };
  } finally {
    diagnostics.unsubscribe("net.client.socket", onSocket);
  }
}

const subscribe = (h: Harness, callbackUrl: string) =>
  h.graph("POST", "/v25.0/1001/subscriptions", {
    token: APP_TOKEN,
    body: { object: "page", callback_url: callbackUrl, fields: ["leadgen"], verify_token: "vt" },
  });
/**
 * The runtime opens its own database connections lazily (PostgreSQL's directory listener on the
 * first lookup): one authenticated call first, so the sockets counted are only those a callback opens.
 */
const openOwnConnections = async (h: Harness) => {
  await h.graph("GET", "/v25.0/1001/subscriptions", { token: APP_TOKEN });
};
const storedCallbacks = async (h: Harness) => (await h.runtime.services.store.subscriptions.listForApp("1001")).map((s) => s.callbackUrl);

describe.each(databaseKinds())("outbound requests that cannot be aimed inside (%s)", (kind) => {
  describe("a server that serves a network (LEADGRAPH_HOST=0.0.0.0)", () => {
    let h: Harness;
    const trap = new TrapServer();
    let port = 0;
    beforeAll(async () => {
      port = await trap.start("127.0.0.1");
      h = await startHarness(kind, { world: worldWithoutSubscriptions(), config: { host: "0.0.0.0" } });
      await openOwnConnections(h);
    });
    afterAll(async () => {
      await trap.close();
      await h?.close();
    });
    beforeEach(() => trap.reset());

    it.each([
      ["http://127.0.0.1:PORT/hook", "loopback"],
      ["http://127.1:PORT/hook", "loopback"],
      ["http://2130706433:PORT/hook", "loopback"],
      ["http://0x7f.1:PORT/hook", "loopback"],
      ["http://[::ffff:127.0.0.1]:PORT/hook", "loopback"],
      ["http://[::1]:PORT/hook", "loopback"],
      ["http://0.0.0.0:PORT/hook", "unspecified"],
      ["http://169.254.169.254/latest/meta-data/", "link-local"],
      ["http://[fd00:ec2::254]/latest/meta-data/", "metadata"],
      ["http://10.0.0.8:PORT/hook", "private"],
      ["http://user:secret@127.0.0.1:PORT/hook", "credentials"],
    ])("refuses %s (rule %s) with (#2200) before any socket exists", async (spelling, rule) => {
      const url = spelling.replace("PORT", String(port));
      const { result: res, sockets } = await socketsOpenedDuring(() => subscribe(h, url));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 2200, type: "OAuthException" });
      expect(res.body.error.message).toContain(
        `Callback verification failed with the following errors: refused by the outbound policy (rule: ${rule}): `,
      );
      expect(sockets).toBe(0);
      expect(trap.connections).toBe(0);
      expect(await storedCallbacks(h)).toEqual([]);
    });

    it("refuses a host name that resolves to loopback when it resolves, without connecting", async () => {
      const res = await subscribe(h, `http://localhost:${port}/hook`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(2200);
      expect(res.body.error.message).toMatch(
        /refused by the outbound policy \(rule: loopback\): localhost resolves to a loopback address, refused: this server listens on 0\.0\.0\.0/,
      );
      expect(trap.connections).toBe(0);
      expect(await storedCallbacks(h)).toEqual([]);
    });

    it("the admin route refuses the same targets, with skip_verification too, and stores no arbitrary string", async () => {
      for (const [callbackUrl, rule] of [
        [`http://[::ffff:127.0.0.1]:${port}/hook`, "loopback"],
        ["http://169.254.169.254/", "link-local"],
        ["not a url at all", "scheme"],
        ["gopher://127.0.0.1:6379/_FLUSHALL", "scheme"],
      ] as const) {
        for (const skip of [false, true]) {
          const res = await admin(h, "POST", "/webhooks/subscriptions/1001", {
            callback_url: callbackUrl,
            verify_token: "vt",
            skip_verification: skip,
          });
          expect(res.status, `${callbackUrl} skip=${skip}`).toBe(400);
          expect(res.body.error.code).toBe(2200);
          expect(res.body.error.message).toContain(`(rule: ${rule})`);
        }
      }
      expect(trap.connections).toBe(0);
      expect(await storedCallbacks(h)).toEqual([]);
    });

    it("a world file with a refused callback does not load, naming the field", async () => {
      const world = {
        subscriptions: [
          { app_id: "1001", object: "page", callback_url: `http://127.1:${port}/hook`, fields: ["leadgen"], verify_token: "vt" },
        ],
      };
      await expect(loadWorld(h.runtime.services, world)).rejects.toThrow(
        /^subscriptions\[0\]\.callback_url: refused by the outbound policy \(rule: loopback\)/,
      );
      expect(await storedCallbacks(h)).toEqual([]);
    });

    it("the delivery agent refuses a literal address itself, whoever calls it (no socket)", async () => {
      const agent = webhookAgent(h.runtime.services.outbound);
      try {
        for (const url of [`http://127.0.0.1:${port}/hook`, `http://[::ffff:7f00:1]:${port}/hook`, `http://0.0.0.0:${port}/hook`]) {
          const { result, sockets } = await socketsOpenedDuring(() =>
            postWebhook(agent, url, "{}", { "content-type": "application/json" }, 2000),
          );
          expect(result).toMatchObject({ ok: false, httpStatus: null });
          expect(result.error, url).toMatch(/^refused by the outbound policy \(rule: (loopback|unspecified)\): /);
          expect(sockets).toBe(0);
        }
        expect(trap.connections).toBe(0);
      } finally {
        await agent.close();
      }
    });

    it("a delivery to a stored name that resolves to loopback is refused at connect time and logged with its rule", async () => {
      // Stored before the policy existed (or by hand): the connection is what is checked.
      await subscribeToReceiver(h.runtime.services.store, `http://localhost:${port}/hook`, { installOnPage: "3001" });
      const d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5 });
      try {
        const [leadId] = await h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: ["Ann"] }] }], {
          source: "admin",
          fireWebhooks: true,
        });
        await d.runOnce();
        const list = await admin(h, "GET", `/webhooks/deliveries?lead_id=${leadId}`);
        const one = await admin(h, "GET", `/webhooks/deliveries/${list.body.data[0].id}`);
        expect(one.body.attempts[0]).toMatchObject({ outcome: "failure", http_status: null, response_excerpt: null });
        expect(one.body.attempts[0].error).toMatch(
          /^refused by the outbound policy \(rule: loopback\): localhost resolves to a loopback address/,
        );
        expect(trap.connections).toBe(0);
      } finally {
        await d.stop();
        await h.runtime.services.store.subscriptions.remove("1001");
      }
    });
  });

  describe("an explicit allowlist and an explicit deny switch", () => {
    let h: Harness;
    const trap = new TrapServer();
    let port = 0;
    beforeAll(async () => {
      port = await trap.start("127.0.0.1");
      // deny although the server listens on loopback: the switch wins over `auto`.
      h = await startHarness(kind, {
        world: worldWithoutSubscriptions(),
        config: { outboundPrivateNetworks: "deny", outboundAllow: "127.0.0.0/30" },
      });
    });
    afterAll(async () => {
      await trap.close();
      await h?.close();
    });

    it("an allowlisted CIDR is called and stored; an address outside it is refused", async () => {
      const ok = await subscribe(h, `http://127.0.0.1:${port}/hook`);
      expect(ok.body).toEqual({ success: true });
      expect(trap.requests.some((r) => r.url.includes("hub.mode=subscribe"))).toBe(true);
      trap.reset();
      const outside = await subscribe(h, `http://127.0.0.9:${port}/hook`);
      expect(outside.body.error.message).toContain(
        "(rule: loopback): 127.0.0.9 is a loopback address, refused: this server denies private networks (LEADGRAPH_OUTBOUND_PRIVATE_NETWORKS=deny)",
      );
      expect(trap.connections).toBe(0);
      expect(await storedCallbacks(h)).toEqual([`http://127.0.0.1:${port}/hook`]);
    });

    it("configuration refuses an allowlist entry that is not a range, an address or a host", () => {
      expect(() => loadConfig({ outboundAllow: "10.0.0.0/8,https://x" })).toThrow(
        /invalid configuration: --outbound-allow \/ LEADGRAPH_OUTBOUND_ALLOW: "https:\/\/x" is not a CIDR range/,
      );
      expect(() => loadConfig({ outboundPrivateNetworks: "sometimes" as never })).toThrow(
        /--outbound-private-networks \/ LEADGRAPH_OUTBOUND_PRIVATE_NETWORKS/,
      );
    });
  });

  describe("the local sandbox (listening on 127.0.0.1, the default)", () => {
    let h: Harness;
    const trap = new TrapServer();
    let port = 0;
    beforeAll(async () => {
      port = await trap.start("127.0.0.1");
      h = await startHarness(kind, { world: worldWithoutSubscriptions() });
      await openOwnConnections(h);
    });
    afterAll(async () => {
      await trap.close();
      await h?.close();
    });
    beforeEach(() => {
      trap.reset();
      trap.handler = (req, res) => {
        const url = new URL(req.url ?? "/", "http://trap");
        res.writeHead(200, { "content-type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "ok");
      };
    });

    it("calls local receivers by any spelling, and delivers to them", async () => {
      const { result: res, sockets } = await socketsOpenedDuring(() => subscribe(h, `http://localhost:${port}/hook`));
      expect(res.body).toEqual({ success: true });
      expect(sockets).toBeGreaterThan(0); // the socket counter sees real connections
      expect((await subscribe(h, `http://127.1:${port}/hook`)).body).toEqual({ success: true });
      await h.runtime.services.store.subscriptions.upsertInstall({
        pageId: "3001",
        appId: "1001",
        subscribedFields: ["leadgen"],
        createdTime: 0,
      });
      const d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5 });
      try {
        await h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: ["Ann"] }] }], {
          source: "admin",
          fireWebhooks: true,
        });
        await d.runOnce();
        expect(trap.requests.filter((r) => r.method === "POST")).toHaveLength(1);
      } finally {
        await d.stop();
      }
    });

    it("still refuses link-local and metadata addresses and credentials, before any socket exists", async () => {
      for (const [url, rule] of [
        ["http://169.254.169.254/latest/meta-data/iam/", "link-local"],
        ["http://[::ffff:169.254.169.254]/", "link-local"],
        ["http://[fe80::1]/", "link-local"],
        ["http://100.100.100.200/", "metadata"],
        [`http://u:p@127.0.0.1:${port}/`, "credentials"],
      ]) {
        const { result: res, sockets } = await socketsOpenedDuring(() => subscribe(h, url!));
        expect(res.body.error.message, url).toContain(`(rule: ${rule})`);
        expect(sockets).toBe(0);
      }
      expect(trap.connections).toBe(0);
    });

    it("shows at most 20 characters of a wrong answer and never the body of an error answer", async () => {
      const secret = `SECRET-${"x".repeat(300)}`;
      trap.handler = (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(secret);
      const wrong = await subscribe(h, `http://127.0.0.1:${port}/hook`);
      expect(wrong.body.error.message).toMatch(/Response does not match challenge, expected \d+ but received "SECRET-x{13}"…$/);
      trap.handler = (_req, res) => res.writeHead(403, { "content-type": "text/plain" }).end("internal-token=abc123");
      const denied = await subscribe(h, `http://127.0.0.1:${port}/hook`);
      expect(denied.body.error.message).toMatch(/HTTP Status Code = 403; HTTP Message = Forbidden$/);
      expect(denied.body.error.message).not.toContain("abc123");
    });

    it("a closed port and an open port that does not speak HTTP answer the same words", async () => {
      const accepted = new Set<Socket>();
      const silent: TcpServer = createTcpServer((s: Socket) => {
        accepted.add(s);
        s.end("SSH-2.0-OpenSSH_9.6\r\n");
      });
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
      const open = (silent.address() as AddressInfo).port;
      const closedServer = createTcpServer();
      await new Promise<void>((r) => closedServer.listen(0, "127.0.0.1", () => r()));
      const closed = (closedServer.address() as AddressInfo).port;
      await new Promise<void>((r) => closedServer.close(() => r()));
      try {
        const a = (await subscribe(h, `http://127.0.0.1:${open}/hook`)).body.error.message.replace(String(open), "PORT");
        const b = (await subscribe(h, `http://127.0.0.1:${closed}/hook`)).body.error.message.replace(String(closed), "PORT");
        expect(a).toBe(b);
        expect(a).toMatch(/Couldn't connect to http:\/\/127\.0\.0\.1:PORT \(connection failed, or no HTTP answer within 10000 ms\)$/);
      } finally {
        for (const s of accepted) s.destroy();
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });

    it("`leadgraph listen` refuses to forward to a metadata address", async () => {
      await expect(
        startRelay({
          url: "http://127.0.0.1:9",
          adminKey: "unused-admin-key",
          forwardTo: "http://169.254.169.254/latest/",
          print: () => undefined,
        }),
      ).rejects.toThrow(/--forward-to http:\/\/169\.254\.169\.254\/latest\/: refused by the outbound policy \(rule: link-local\)/);
    });
  });

  describe("DNS rebinding", () => {
    let h: Harness;
    const allowed = new TrapServer();
    const inside = new TrapServer();
    let port = 0;
    const lookups: string[] = [];
    // First answer an allowlisted address, then the protected one: a rebinding name.
    const resolver: HostResolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: lookups.length === 1 ? "127.0.0.2" : "127.0.0.1", family: 4 }];
    };
    beforeAll(async () => {
      port = await allowed.start("127.0.0.2");
      await inside.start("127.0.0.1", port);
      h = await startHarness(kind, {
        world: worldWithoutSubscriptions(),
        resolveHost: resolver,
        config: { host: "0.0.0.0", outboundAllow: "127.0.0.2" },
      });
    });
    afterAll(async () => {
      await allowed.close();
      await inside.close();
      await h?.close();
    });

    it("checks the very addresses it connects to: the handshake reaches the allowed one, the rebound delivery nothing", async () => {
      const url = `http://rebind.test:${port}/hook`;
      expect((await subscribe(h, url)).body).toEqual({ success: true });
      expect(allowed.requests).toHaveLength(1);
      await h.runtime.services.store.subscriptions.upsertInstall({
        pageId: "3001",
        appId: "1001",
        subscribedFields: ["leadgen"],
        createdTime: 0,
      });
      const d = createDispatcher(h.runtime, { lingerMs: 0, timeoutMs: 2000, random: () => 0.5 });
      try {
        const [leadId] = await h.runtime.services.intake.create([{ formId: "8001", fieldData: [{ name: "full_name", values: ["Ann"] }] }], {
          source: "admin",
          fireWebhooks: true,
        });
        await d.runOnce();
        const list = await admin(h, "GET", `/webhooks/deliveries?lead_id=${leadId}`);
        const one = await admin(h, "GET", `/webhooks/deliveries/${list.body.data[0].id}`);
        expect(one.body.attempts[0].error).toMatch(/rule: loopback\): rebind\.test resolves to a loopback address/);
      } finally {
        await d.stop();
      }
      expect(lookups.length).toBeGreaterThanOrEqual(2);
      expect(lookups.every((n) => n === "rebind.test")).toBe(true);
      expect(inside.connections).toBe(0);
    });
  });
});
