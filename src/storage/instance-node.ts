import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

const NODES = 256;
const STALE_MS = 5 * 60_000;

/**
 * Gives this process a node number (0–255) for id generation that no live instance on the same
 * database holds, so ids stay unique across instances. A heartbeat keeps the claim; a claim not
 * refreshed for five minutes is taken over. A heartbeat that fails goes to `onHeartbeatError`.
 */
export async function allocateNode(
  db: Kysely<Database>, nowMs: number, onHeartbeatError: (e: unknown) => void = () => undefined,
): Promise<{ node: number; release(): Promise<void> }> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const node = Math.floor(Math.random() * NODES);
    const taken = await db.insertInto("instances").values({ node, started_at: nowMs, heartbeat_at: nowMs })
      .onConflict((oc) => oc.column("node").doNothing()).executeTakeFirst();
    let won = Number(taken.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (!won) {
      const res = await db.updateTable("instances").set({ started_at: nowMs, heartbeat_at: nowMs })
        .where("node", "=", node).where("heartbeat_at", "<", nowMs - STALE_MS).executeTakeFirst();
      won = Number(res.numUpdatedRows) > 0;
    }
    if (!won) continue;
    const timer = setInterval(() => {
      // A missed beat is harmless (the claim lasts five minutes) but says the database is unwell.
      void db.updateTable("instances").set({ heartbeat_at: Date.now() }).where("node", "=", node).execute().catch(onHeartbeatError);
    }, 60_000);
    timer.unref();
    return {
      node,
      async release() {
        clearInterval(timer);
        await db.deleteFrom("instances").where("node", "=", node).execute().catch(() => undefined);
      },
    };
  }
  throw new Error("no free instance node: more than 256 live instances share this database");
}

export interface InstanceRow {
  node: number;
  startedAtMs: number;
  heartbeatAtMs: number;
}

/** The instances that hold a node number on this database (live, or dead and not yet taken over). */
export async function listInstances(db: Kysely<Database>): Promise<InstanceRow[]> {
  const rows = await db.selectFrom("instances").select(["node", "started_at", "heartbeat_at"]).orderBy("node").execute();
  return rows.map((r) => ({ node: Number(r.node), startedAtMs: Number(r.started_at), heartbeatAtMs: Number(r.heartbeat_at) }));
}
