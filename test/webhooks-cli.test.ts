import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { startRelay } from "../src/cli/webhooks/listen-relay.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { exampleWorld } from "./support/worlds.ts";
import { waitFor } from "./support/sync/sync-process.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");
const ADMIN = "cli-test-admin-key-000001";

// Transport only (the admin API and a relay on loopback); storage is covered on both databases elsewhere.
describe("leadgraph listen and leadgraph webhooks (sqlite)", () => {
  let h: Harness;
  let local: Receiver;
  let d: WebhookDispatcher;
  beforeAll(async () => {
    h = await startHarness("sqlite", { world: exampleWorld(), config: { adminKey: ADMIN } });
    await h.listen();
    d = startDispatcher(h.runtime, { lingerMs: 5, pollMs: 200 });
    local = new Receiver();
    await local.start();
  });
  afterAll(async () => {
    await d?.stop();
    await local?.close();
    await h?.close();
  });

  it("relays each delivery byte for byte with its signatures, prints it, and restores the subscription", async () => {
    const lines: string[] = [];
    const relay = await startRelay({ url: h.url, adminKey: ADMIN, forwardTo: local.url, print: (l) => lines.push(l) });
    expect(relay.appId).toBe("1001");
    const [id] = await h.runtime.services.intake.create(
      [{ formId: "8001", adId: "7001", fieldData: [{ name: "full_name", values: ["Zoë"] }] }],
      { source: "admin", fireWebhooks: true },
    );
    await local.waitFor(() => local.leadIds().includes(id!));
    const post = local.posts[0]!;
    expect(post.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", "s3cr3t-acme").update(post.raw).digest("hex")}`);
    expect(post.headers["x-hub-signature"]).toBe(`sha1=${createHmac("sha1", "s3cr3t-acme").update(post.raw).digest("hex")}`);
    expect(post.headers["user-agent"]).toBe("facebookexternalua");
    // The relay prints once the local receiver's answer is back.
    await waitFor(
      () => lines.some((l) => l.includes(`lead ${id}`) && l.includes("form 8001") && l.includes("[200]")),
      30_000,
      "the relay's line",
    );
    await relay.close();
    const subs = await h.graph("GET", "/1001/subscriptions", { token: "1001|s3cr3t-acme" });
    expect(subs.body.data[0].callback_url).toBe("http://127.0.0.1:5055/facebook");
  });

  it("lists and redelivers from the command line", async () => {
    const env = { ...process.env, LEADGRAPH_ADMIN_KEY: ADMIN };
    const list = await run(process.execPath, [BIN, "webhooks", "list", "--url", h.url, "--status", "delivered"], { env });
    const line = list.stdout.split("\n").find((l) => l.includes("delivered"));
    expect(line).toMatch(/^\d+ .* app 1001 .* delivered\s+attempts 1\s+last HTTP 200/);
    const deliveryId = line!.split(" ")[0]!;
    const redo = await run(process.execPath, [BIN, "webhooks", "redeliver", deliveryId, "--url", h.url], { env });
    expect(redo.stdout).toMatch(/^queued redelivery \d+/);
    // A range redelivery names the page it left out: the app's install there is gone.
    const store = h.runtime.services.store;
    await store.subscriptions.upsertInstall({
      pageId: "3002",
      appId: "1001",
      subscribedFields: ["leadgen"],
      createdTime: Math.floor(h.clock.nowMs() / 1000),
    });
    const [other] = await h.runtime.services.intake.create(
      [{ formId: "8002", fieldData: [{ name: "email", values: ["cli@example.com"] }] }],
      { source: "admin", fireWebhooks: true },
    );
    await expect
      .poll(async () => (await store.webhooks.list({ appId: "1001", leadId: other!, limit: 5 })).length, { timeout: 30_000 })
      .toBe(1);
    await store.subscriptions.removeInstall("3002", "1001");
    const range = await run(
      process.execPath,
      [BIN, "webhooks", "redeliver", "--app", "1001", "--since", String(Math.floor(h.clock.nowMs() / 1000)), "--url", h.url],
      { env },
    );
    expect(range.stdout).toMatch(
      /^queued [1-9]\d* redeliveries\nskipped 1 of page 3002: the app is no longer installed on the page for leadgen\n$/,
    );
    const faults = await run(process.execPath, [BIN, "webhooks", "faults", "--app", "1001", "--drop", "25", "--split", "--url", h.url], {
      env,
    });
    expect(JSON.parse(faults.stdout)).toMatchObject({ drop_percent: 25, split: true, duplicate_percent: 0 });
    const bad = await run(process.execPath, [BIN, "webhooks", "list", "--url", h.url, "--admin-key", "wrong-key-wrong-key"], { env }).catch(
      (e) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/admin key/);
    // Each CLI run starts a fresh Node with tsx, which is slow on a busy machine.
  }, 240_000);
});
