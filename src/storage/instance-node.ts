import type { Kysely } from "kysely";
import type { WallClock } from "../contract/wall-clock.ts";
import type { Database } from "./schema.ts";

const NODES = 256;
const STALE_MS = 5 * 60_000;
const HEARTBEAT_MS = 60_000;
/** While a heartbeat fails, it is tried this often, so a short outage keeps the instance down briefly. */
const RETRY_MS = 5_000;

/**
 * Whether this instance may take work (claim webhook deliveries). It steps down when a heartbeat
 * fails (until one succeeds again with the node still its own) and for good when it finds its node
 * number taken by another instance: its ids could then collide with that instance's.
 */
export interface InstanceStanding {
  readonly active: boolean;
  /** Why it stepped down, while it is down. */
  readonly problem: string | undefined;
  /** Called on every step down (with the heartbeat's error, if any) and every return to work. */
  listen(fn: (change: StandingChange) => void): () => void;
}

export type StandingChange =
  { kind: "stepped-down"; node: number; reason: string; error?: unknown; permanent: boolean } | { kind: "resumed"; node: number };

export interface AllocatedNode {
  node: number;
  standing: InstanceStanding;
  /** One heartbeat now (the timer's work); resolves once its outcome is known. */
  heartbeat(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Gives this process a node number (0–255) for id generation that no live instance on the same
 * database holds, so ids stay unique across instances. A heartbeat keeps the claim; a claim not
 * refreshed for five minutes is taken over. The row's `started_at` is this claim's own mark: a
 * heartbeat that no longer finds it has lost the node.
 */
export async function allocateNode(db: Kysely<Database>, wall: WallClock): Promise<AllocatedNode> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const node = Math.floor(Math.random() * NODES);
    const startedAt = wall.nowMs();
    const taken = await db
      .insertInto("instances")
      .values({ node, started_at: startedAt, heartbeat_at: startedAt })
      .onConflict((oc) => oc.column("node").doNothing())
      .executeTakeFirst();
    let won = Number(taken.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (!won) {
      const res = await db
        .updateTable("instances")
        .set({ started_at: startedAt, heartbeat_at: startedAt })
        .where("node", "=", node)
        .where("heartbeat_at", "<", startedAt - STALE_MS)
        .executeTakeFirst();
      won = Number(res.numUpdatedRows) > 0;
    }
    if (!won) continue;
    return claimedNode(db, wall, node, startedAt);
  }
  throw new Error("no free instance node: more than 256 live instances share this database");
}

function claimedNode(db: Kysely<Database>, wall: WallClock, node: number, startedAt: number): AllocatedNode {
  const listeners = new Set<(change: StandingChange) => void>();
  let problem: string | undefined;
  let lost = false;
  let stopRetrying: (() => void) | undefined;
  const tell = (change: StandingChange) => {
    for (const l of listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure (a closed log stream) must not stop the others hearing it
      }
    }
  };
  const stepDown = (reason: string, permanent: boolean, error?: unknown) => {
    const first = problem === undefined;
    problem = reason;
    lost ||= permanent;
    if (permanent) {
      stopRetrying?.();
      stopRetrying = undefined;
    } else stopRetrying ??= wall.every(RETRY_MS, heartbeat);
    if (first || permanent) tell({ kind: "stepped-down", node, reason, permanent, ...(error === undefined ? {} : { error }) });
  };
  const heartbeat = async () => {
    if (lost) return;
    try {
      const res = await db
        .updateTable("instances")
        .set({ heartbeat_at: wall.nowMs() })
        .where("node", "=", node)
        .where("started_at", "=", startedAt)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        stepDown(`instance node ${node} is no longer this instance's (taken over after a missed heartbeat, or removed)`, true);
      } else if (problem !== undefined) {
        problem = undefined;
        stopRetrying?.();
        stopRetrying = undefined;
        tell({ kind: "resumed", node });
      }
    } catch (e) {
      stepDown(`instance heartbeat for node ${node} failed`, false, e);
    }
  };
  const stop = wall.every(HEARTBEAT_MS, heartbeat);
  return {
    node,
    heartbeat,
    standing: {
      get active() {
        return problem === undefined;
      },
      get problem() {
        return problem;
      },
      listen(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    },
    async release() {
      stop();
      stopRetrying?.();
      if (lost) return;
      await db
        .deleteFrom("instances")
        .where("node", "=", node)
        .where("started_at", "=", startedAt)
        .execute()
        .catch(() => undefined);
    },
  };
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
