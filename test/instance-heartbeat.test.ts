import { Writable } from "node:stream";
import { sql } from "kysely";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { ManualWallClock } from "../src/contract/wall-clock.ts";
import { nodeOfId } from "../src/domain/ids.ts";
import { logInstanceStanding } from "../src/ops/instance-standing-log.ts";
import type { StandingChange } from "../src/storage/instance-node.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { Receiver } from "./support/receiver.ts";
import { subscribeToReceiver } from "./support/subscriptions.ts";
import { exampleWorld } from "./support/worlds.ts";

const HEARTBEAT_MS = 60_000;
const lead = (i: number) => ({ formId: "8001", fieldData: [{ name: "full_name", values: [`Beat ${i}`] }] });

describe.each(databaseKinds())("instance heartbeat (%s)", (kind) => {
  let h: Harness;
  let rx: Receiver;
  let wall: ManualWallClock;
  let changes: StandingChange[];
  let logged: { level: number; msg: string; node: number; nodeLost?: boolean; err?: { message: string } }[];
  beforeEach(async () => {
    wall = new ManualWallClock();
    h = await startHarness(kind, { world: exampleWorld(), wallClock: wall });
    changes = [];
    h.runtime.instance.listen((c) => changes.push(c));
    logged = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(JSON.parse(chunk.toString("utf8")));
        done();
      },
    });
    logInstanceStanding(h.runtime, pino({ level: "info" }, sink));
    rx = new Receiver();
    await rx.start();
    await subscribeToReceiver(h.runtime.services.store, rx.url);
  });
  afterEach(async () => {
    await rx?.close();
    await h?.close();
  });

  const db = () => h.runtime.connection.db;
  const node = () => h.runtime.instanceNode;

  it("keeps the node's row fresh on the wall clock", async () => {
    const before = await db().selectFrom("instances").select("heartbeat_at").where("node", "=", node()).executeTakeFirstOrThrow();
    await wall.advance(HEARTBEAT_MS);
    const after = await db().selectFrom("instances").select("heartbeat_at").where("node", "=", node()).executeTakeFirstOrThrow();
    expect(Number(after.heartbeat_at)).toBe(Number(before.heartbeat_at) + HEARTBEAT_MS);
    expect(h.runtime.instance.active).toBe(true);
    expect(changes).toEqual([]);
  });

  const takeOver = (n: number) =>
    db()
      .updateTable("instances")
      .set({ started_at: wall.nowMs() + 1 })
      .where("node", "=", n)
      .execute();

  it("claims a free node at once when another instance took its own, and mints ids under it", async () => {
    const lost = node();
    expect(nodeOfId(h.runtime.services.ids.next())).toBe(lost);
    // Another instance took the node over (as after five minutes without a heartbeat).
    await takeOver(lost);
    const theirs = await db().selectFrom("instances").selectAll().where("node", "=", lost).executeTakeFirstOrThrow();
    await wall.advance(HEARTBEAT_MS);
    const claimed = node();
    expect(claimed).not.toBe(lost);
    expect(changes).toEqual([
      expect.objectContaining({ kind: "stepped-down", node: lost, nodeLost: true }),
      { kind: "resumed", node: claimed },
    ]);
    expect(h.runtime.instance.active).toBe(true);
    expect(nodeOfId(h.runtime.services.ids.next())).toBe(claimed);
    expect(logged).toEqual([
      expect.objectContaining({ level: 50, node: lost, nodeLost: true, msg: expect.stringContaining("until it has claimed a free node") }),
      expect.objectContaining({ level: 40, node: claimed, msg: expect.stringContaining("taking work again") }),
    ]);
    // The lost node's row is its new owner's, untouched; the new one is kept fresh.
    await wall.advance(HEARTBEAT_MS);
    expect(await db().selectFrom("instances").selectAll().where("node", "=", lost).executeTakeFirstOrThrow()).toEqual(theirs);
    const mine = await db().selectFrom("instances").select("heartbeat_at").where("node", "=", claimed).executeTakeFirstOrThrow();
    expect(Number(mine.heartbeat_at)).toBe(wall.nowMs());
    expect((await h.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });

  it("stays out of rotation while every node is taken, and takes the first one freed", async () => {
    const lost = node();
    // 256 live instances: every other node number is held and fresh.
    const now = wall.nowMs();
    await db()
      .insertInto("instances")
      .values(
        Array.from({ length: 256 }, (_, n) => n)
          .filter((n) => n !== lost)
          .map((n) => ({ node: n, started_at: now, heartbeat_at: now })),
      )
      .execute();
    await takeOver(lost);
    await wall.advance(HEARTBEAT_MS);
    expect(h.runtime.instance.active).toBe(false);
    expect(changes).toEqual([expect.objectContaining({ kind: "stepped-down", node: lost, nodeLost: true })]);
    expect(h.runtime.instance.problem).toContain(`instance node ${lost} is no longer this instance's`);
    // Out of rotation: a load balancer stops sending it requests, and it claims no deliveries.
    const ready = await h.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: "unavailable",
      checks: { database: "ok", instance: expect.stringContaining("stepped down: instance node") },
    });
    const d = createDispatcher(h.runtime, { lingerMs: 0 });
    try {
      const [id] = await h.runtime.services.intake.create([lead(0)], { source: "admin", fireWebhooks: true });
      expect(await d.runOnce()).toBe(0);
      expect(rx.posts).toEqual([]);
      // One instance leaves; the next try (every 5 s) claims its node.
      const freed = (lost + 1) % 256;
      await db().deleteFrom("instances").where("node", "=", freed).execute();
      await wall.advance(5_000);
      expect(h.runtime.instance.active).toBe(true);
      expect(changes.at(-1)).toEqual({ kind: "resumed", node: freed });
      expect(node()).toBe(freed);
      expect(nodeOfId(h.runtime.services.ids.next())).toBe(freed);
      expect(await d.runOnce()).toBe(1);
      expect(rx.leadIds()).toEqual([id]);
    } finally {
      await d.stop();
    }
  });

  it("steps down while its heartbeat fails, with the error, and takes work again once one succeeds", async () => {
    // The heartbeat's write fails (the table it writes is out of reach).
    await sql`alter table instances rename to instances_away`.execute(db());
    try {
      await wall.advance(HEARTBEAT_MS);
    } finally {
      await sql`alter table instances_away rename to instances`.execute(db());
    }
    expect(h.runtime.instance.active).toBe(false);
    expect(changes).toEqual([expect.objectContaining({ kind: "stepped-down", node: node(), nodeLost: false, error: expect.any(Error) })]);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        node: node(),
        nodeLost: false,
        err: expect.objectContaining({ message: expect.stringContaining("instances") }),
      }),
    ]);
    const d = createDispatcher(h.runtime, { lingerMs: 0 });
    try {
      const [id] = await h.runtime.services.intake.create([lead(1)], { source: "admin", fireWebhooks: true });
      expect(await d.runOnce()).toBe(0);
      expect(rx.posts).toEqual([]);
      // A failed beat is retried every 5 s, not at the next minute.
      await wall.advance(5_000);
      expect(h.runtime.instance.active).toBe(true);
      expect(changes.at(-1)).toEqual({ kind: "resumed", node: node() });
      expect((await h.app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ status: "ok", checks: { instance: "ok" } });
      expect(logged.at(-1)).toEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining("taking work again") }));
      expect(await d.runOnce()).toBe(1);
      expect(rx.leadIds()).toEqual([id]);
    } finally {
      await d.stop();
    }
  });
});
