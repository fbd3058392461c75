import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const lead = (i: number) => ({ formId: "8001", fieldData: [{ name: "full_name", values: [`Slow ${i}`] }] });
const LEASE_MS = 1_000;

/*
 * Two dispatchers (two lease owners, as two instances are) share one outbox; the receiver holds the
 * POST while the injected wall clock moves several lease lengths on. The sender keeps its lease, so
 * the other dispatcher finds nothing to claim and the receiver sees the lead once.
 */
describe.each(databaseKinds())("a delivery lease outlives a slow receiver (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  const wall = new ManualWallClock();
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(), wallClock: wall });
    rx = new Receiver();
    await rx.start();
    await subscribeToReceiver(h.runtime.services.store, rx.url);
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it("renews the lease while the POST is in flight: the other dispatcher claims nothing, one delivery", async () => {
    const errors: unknown[] = [];
    const opts = { lingerMs: 0, leaseMs: LEASE_MS, timeoutMs: 120_000, onError: (e: unknown) => errors.push(e) };
    const a = createDispatcher(h.runtime, opts);
    const b = createDispatcher(h.runtime, opts);
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    rx.hold = () => answered;
    try {
      const [id] = await h.runtime.services.intake.create([lead(0)], { source: "admin", fireWebhooks: true });
      const sending = a.runOnce();
      await rx.waitFor(() => rx.posts.length === 1, 60_000);
      // Five lease lengths pass with the POST unanswered (renewals run at their times on the way).
      await wall.advance(5 * LEASE_MS);
      expect(await b.runOnce()).toBe(0);
      const row = await h.runtime.connection.db
        .selectFrom("webhook_deliveries")
        .select(["lease_owner", "lease_until", "status"])
        .executeTakeFirstOrThrow();
      expect(row.lease_owner).toBe(a.owner);
      expect(Number(row.lease_until)).toBeGreaterThan(wall.nowMs());
      answer();
      expect(await sending).toBe(1);
      expect(rx.leadIds()).toEqual([id]);
      const attempts = await h.runtime.connection.db.selectFrom("webhook_attempts").select(["instance", "outcome"]).execute();
      expect(attempts).toEqual([{ instance: a.owner, outcome: "success" }]);
      expect(errors).toEqual([]);
      // Settled: the renewals stopped with the POST, and nothing is due for either dispatcher.
      await wall.advance(5 * LEASE_MS);
      expect(await b.runOnce()).toBe(0);
      expect(rx.posts).toHaveLength(1);
    } finally {
      answer();
      rx.hold = undefined;
      await a.stop();
      await b.stop();
    }
  });

  it("reports a lease another owner took over while the POST was in flight", async () => {
    rx.reset();
    const errors: unknown[] = [];
    const a = createDispatcher(h.runtime, { lingerMs: 0, leaseMs: LEASE_MS, timeoutMs: 120_000, onError: (e) => errors.push(e) });
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    rx.hold = () => answered;
    try {
      await h.runtime.services.intake.create([lead(1)], { source: "admin", fireWebhooks: true });
      const sending = a.runOnce();
      await rx.waitFor(() => rx.posts.length === 1, 60_000);
      // As if this instance had stalled past its lease and another had claimed the batch.
      await h.runtime.connection.db
        .updateTable("webhook_deliveries")
        .set({ lease_owner: "another-instance" })
        .where("lease_owner", "=", a.owner)
        .execute();
      await wall.advance(LEASE_MS);
      expect(errors.map(String)).toEqual([expect.stringContaining("1 of 1 deliveries in flight were claimed by another instance")]);
      answer();
      await sending;
    } finally {
      answer();
      rx.hold = undefined;
      await a.stop();
    }
  });
});
