// Run with: node --test examples/node-test/leads.test.mjs   (after `npm run build`; plain JavaScript, no build step)
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { GraphLeadsClient } from "leadgraph/client";
import { startLeadgraph } from "leadgraph/testing";

const WORLD = new URL("../world.json", import.meta.url).pathname;
let leadgraph;

before(async () => {
  leadgraph = await startLeadgraph({ world: WORLD, now: "2026-12-01T09:00:00Z" });
});
after(() => leadgraph?.close());
beforeEach(() => leadgraph.reset());

const leadIds = async (formId) => {
  const client = new GraphLeadsClient({ accessToken: leadgraph.token({ label: "page" }), baseUrl: leadgraph.url });
  const ids = [];
  for await (const lead of client.leads(formId)) ids.push(lead.id);
  return ids;
};

test("a lead created in a test is read back", async () => {
  const [id] = await leadgraph.createLead("8001", { field_data: [{ name: "email", values: ["ann@example.com"] }] });
  assert.deepEqual(await leadIds("8001"), [id, "9001"]);
});

test("the next test starts from the world file again", async () => {
  assert.deepEqual(await leadIds("8001"), ["9001"]);
  assert.equal(leadgraph.clock.now(), Date.parse("2026-12-01T09:00:00Z") / 1000);
});
