// Run with: npx vitest run --root examples/vitest   (after `npm run build`)
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { createNodeWebhookHandler, GraphLeadsClient, type LeadgenChange } from "leadgraph/client";
import { type RunningLeadgraph, startLeadgraph } from "leadgraph/testing";

const WORLD = new URL("../world.json", import.meta.url).pathname;

let leadgraph: RunningLeadgraph;
let receiver: Server;
const received: LeadgenChange[] = [];

beforeAll(async () => {
  // Your webhook endpoint, verifying Meta's signature with the app secret of the world.
  receiver = createServer(
    createNodeWebhookHandler({
      appSecret: "my-app-secret",
      verifyToken: "vt",
      onLeadgen: (changes) => {
        received.push(...changes);
      },
    }),
  );
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  leadgraph = await startLeadgraph({ world: WORLD });
});

afterAll(async () => {
  await leadgraph?.close();
  receiver?.close();
});

beforeEach(async () => {
  await leadgraph.reset();
  received.length = 0;
  // Subscribe the app to this test's receiver, the Graph way.
  const client = new GraphLeadsClient({ accessToken: "unused", appSecret: "my-app-secret", baseUrl: leadgraph.url });
  await client.subscribeApp({
    appId: "1001",
    callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`,
    verifyToken: "vt",
  });
});

test("reads the world's leads and a new one", async () => {
  const client = new GraphLeadsClient({ accessToken: leadgraph.token({ label: "page" }), baseUrl: leadgraph.url });
  const [id] = await leadgraph.createLead("8001", { field_data: [{ name: "email", values: ["ann@example.com"] }] });
  const leads = [];
  for await (const lead of client.leads("8001")) leads.push(lead);
  expect(leads.map((l) => l.id)).toEqual([id, "9001"]);
});

test("receives a signed leadgen webhook for a new lead", async () => {
  const [id] = await leadgraph.createLead("8001", { field_data: [{ name: "email", values: ["bo@example.com"] }] });
  await expect.poll(() => received.map((c) => c.leadId), { timeout: 10_000 }).toEqual([id]);
  await expect.poll(async () => (await leadgraph.deliveries()).map((d) => d.status)).toEqual(["delivered"]);
});

test("the clock moves only when told to, and a reset puts it back", async () => {
  const before = leadgraph.clock.now();
  await leadgraph.clock.advance("36h");
  expect(leadgraph.clock.now()).toBe(before + 36 * 3600);
  const client = new GraphLeadsClient({ accessToken: leadgraph.token({ label: "page" }), baseUrl: leadgraph.url });
  const ids = [];
  for await (const lead of client.leads("8001")) ids.push(lead.id);
  expect(ids).toEqual(["9001"]);
});
