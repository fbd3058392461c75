import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { waitFor } from "./support/sync/sync-process.ts";
import { exampleWorld } from "./support/worlds.ts";

const lead = (i: number) => ({ formId: "8001", fieldData: [{ name: "full_name", values: [`Many ${i}`] }] });

describe.each(databaseKinds())("dispatcher leases (%s)", (kind) => {
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

  it("takes over a dead instance's batch once its lease expires", async () => {
    const [id] = await h.runtime.services.intake.create([lead(0)], { source: "admin", fireWebhooks: true });
    const d = createDispatcher(h.runtime, { lingerMs: 0, leaseMs: 5_000 });
    try {
      // Fan out, then let a "dead" instance claim the batch and never finish it.
      await d.runOnce().then(() => undefined);
      expect(rx.leadIds()).toEqual([id]);
      const [id2] = await h.runtime.services.intake.create([lead(1)], { source: "admin", fireWebhooks: true });
      const store = h.runtime.services.store;
      const { fanOut } = await import("../src/dispatcher/fan-out.ts");
      await fanOut(h.runtime.services, 100, Math.random);
      const claimed = await store.transaction((tx) =>
        tx.webhooks.claimDue({
          nowMs: h.clock.nowMs(),
          wallMs: wall.nowMs(),
          owner: "dead-instance",
          leaseUntil: wall.nowMs() + 800,
          max: 1000,
        }),
      );
      expect(claimed.map((c) => c.leadId)).toEqual([id2]);
      await d.runOnce();
      expect(rx.leadIds()).toEqual([id]);
      // Held through its last millisecond, taken over after it.
      await wall.advance(800);
      await d.runOnce();
      expect(rx.leadIds()).toEqual([id]);
      await wall.advance(1);
      await d.runOnce();
      expect(rx.leadIds()).toEqual([id, id2]);
      // The dead instance finishing late changes nothing: the row is no longer leased to it.
      await store.webhooks.finish("dead-instance", h.clock.nowMs(), [
        { id: claimed[0]!.id, status: "expired", httpStatus: null, error: "late" },
      ]);
      expect((await store.webhooks.get(claimed[0]!.id))!.status).toBe("delivered");
    } finally {
      await d.stop();
    }
  });
});

describe.each(databaseKinds().filter((k) => k === "postgres"))("two instances share one outbox (%s)", (kind) => {
  let h: Harness;
  let second: Runtime;
  let rx: Receiver;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    second = await createRuntime(loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent" }), { clock: h.clock });
    rx = new Receiver();
    await rx.start();
    await subscribeToReceiver(h.runtime.services.store, rx.url);
  });
  afterAll(async () => {
    await rx?.close();
    await second?.close();
    await h?.close();
  });

  it("wakes an idle instance by NOTIFY when another process writes a lead", async () => {
    const a = createDispatcher(h.runtime, { lingerMs: 0, pollMs: 60_000 });
    a.start();
    try {
      // Its listening connection is up (the write below comes from another runtime: only NOTIFY carries it).
      await waitFor(
        async () => {
          const r = await sql<{
            n: string;
          }>`select count(*) as n from pg_stat_activity where datname = current_database() and query like 'LISTEN %'`.execute(
            second.connection.db,
          );
          return Number(r.rows[0]?.n) > 0;
        },
        60_000,
        "the dispatcher to LISTEN",
      );
      const started = Date.now();
      const [id] = await second.services.intake.create([lead(-1)], { source: "admin", fireWebhooks: true });
      await rx.waitFor(() => rx.leadIds().includes(id!), 10_000);
      // Far below the 60 s poll: only the notification can have woken it.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await a.stop();
    }
  });

  it("sends every lead exactly once with both dispatchers running", async () => {
    rx.posts.length = 0;
    const errors: unknown[] = [];
    const a = createDispatcher(h.runtime, { lingerMs: 2, concurrency: 4, pollMs: 5_000, onError: (e) => errors.push(e) });
    const b = createDispatcher(second, { lingerMs: 2, concurrency: 4, pollMs: 5_000, onError: (e) => errors.push(e) });
    a.start();
    b.start();
    try {
      const created: string[] = [];
      const writers = [h.runtime, second].map(async (rt, w) => {
        for (let i = 0; i < 20; i++) {
          created.push(
            ...(await rt.services.intake.create(
              Array.from({ length: 25 }, (_, k) => lead(w * 1000 + i * 25 + k)),
              { source: "admin", fireWebhooks: true },
            )),
          );
        }
      });
      await Promise.all(writers);
      await rx.waitFor(() => rx.leadIds().length >= created.length, 60_000);
      // Once every delivery is recorded delivered nothing can be sent again: the count is final.
      await waitFor(
        async () => {
          const r = await h.runtime.connection.db
            .selectFrom("webhook_deliveries")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .where("status", "!=", "delivered")
            .executeTakeFirstOrThrow();
          return Number(r.n) === 0;
        },
        60_000,
        "every delivery to be recorded",
      );
      const ids = rx.leadIds();
      expect(ids.length).toBe(created.length);
      expect(new Set(ids).size).toBe(created.length);
      expect(errors).toEqual([]);
      const attempts = await h.runtime.connection.db.selectFrom("webhook_attempts").select(["instance", "kind"]).execute();
      expect(attempts.every((x) => x.kind === "delivery")).toBe(true);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
