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
 * fails (until one succeeds again with the node still its own) and when it finds its node number
 * taken by another instance, whose ids its own could then collide with: it claims a free node at
 * once, and every few seconds while none is free, and takes work again under the new number.
 */
export interface InstanceStanding {
  readonly active: boolean;
  /** Why it stepped down, while it is down. */
  readonly problem: string | undefined;
  /** Called on every step down (with the heartbeat's error, if any) and every return to work. */
  listen(fn: (change: StandingChange) => void): () => void;
}

/** `nodeLost`: the node is another instance's now; `resumed` then names the node claimed instead. */
export type StandingChange =
  { kind: "stepped-down"; node: number; reason: string; error?: unknown; nodeLost: boolean } | { kind: "resumed"; node: number };

export interface AllocatedNode {
  /** The node this instance holds now (another one after its first was taken over). */
  readonly node: number;
  standing: InstanceStanding;
  /** One heartbeat now (the timer's work); resolves once its outcome is known. */
  heartbeat(): Promise<void>;
  release(): Promise<void>;
}

interface Claim {
  node: number;
  /** This claim's own mark in the row: a heartbeat that no longer finds it has lost the node. */
  startedAt: number;
}

/**
 * Claims a node number (0–255) that no live instance on the database holds: one without a row, or
 * one not refreshed for five minutes. Tried in random order among those that looked free (instances
 * starting together rarely try the same one); undefined when none is.
 */
async function claimFreeNode(db: Kysely<Database>, wall: WallClock): Promise<Claim | undefined> {
  const live = await db
    .selectFrom("instances")
    .select("node")
    .where("heartbeat_at", ">=", wall.nowMs() - STALE_MS)
    .execute();
  const held = new Set(live.map((r) => Number(r.node)));
  const candidates = Array.from({ length: NODES }, (_, n) => n).filter((n) => !held.has(n));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  for (const node of candidates) {
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
    if (won) return { node, startedAt };
  }
  return undefined;
}

/**
 * Gives this process a node number for id generation that no live instance on the same database
 * holds, so ids stay unique across instances. A heartbeat keeps the claim; a claim not refreshed
 * for five minutes is taken over.
 */
export async function allocateNode(db: Kysely<Database>, wall: WallClock): Promise<AllocatedNode> {
  const claim = await claimFreeNode(db, wall);
  if (!claim) throw new Error("no free instance node: more than 256 live instances share this database");
  return claimedNode(db, wall, claim);
}

function claimedNode(db: Kysely<Database>, wall: WallClock, first: Claim): AllocatedNode {
  const listeners = new Set<(change: StandingChange) => void>();
  let claim: Claim | undefined = first;
  let node = first.node;
  let problem: string | undefined;
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
  const stepDown = (reason: string, nodeLost: boolean, error?: unknown) => {
    const firstTime = problem === undefined;
    problem = reason;
    stopRetrying ??= wall.every(RETRY_MS, heartbeat);
    if (firstTime || nodeLost) tell({ kind: "stepped-down", node, reason, nodeLost, ...(error === undefined ? {} : { error }) });
  };
  const resume = () => {
    problem = undefined;
    stopRetrying?.();
    stopRetrying = undefined;
    tell({ kind: "resumed", node });
  };
  /** After the node was lost: a free one, or (none free, the database away) another try in a few seconds. */
  const reclaim = async () => {
    try {
      const fresh = await claimFreeNode(db, wall);
      if (!fresh) return;
      claim = fresh;
      node = fresh.node;
      resume();
    } catch {
      // the retry timer tries again
    }
  };
  const heartbeat = async (): Promise<void> => {
    if (!claim) return reclaim();
    const mine = claim;
    try {
      const res = await db
        .updateTable("instances")
        .set({ heartbeat_at: wall.nowMs() })
        .where("node", "=", mine.node)
        .where("started_at", "=", mine.startedAt)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        claim = undefined;
        stepDown(`instance node ${mine.node} is no longer this instance's (taken over after a missed heartbeat, or removed)`, true);
        await reclaim();
      } else if (problem !== undefined) resume();
    } catch (e) {
      stepDown(`instance heartbeat for node ${mine.node} failed`, false, e);
    }
  };
  const stop = wall.every(HEARTBEAT_MS, heartbeat);
  return {
    get node() {
      return node;
    },
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
      if (!claim) return;
      await db
        .deleteFrom("instances")
        .where("node", "=", claim.node)
        .where("started_at", "=", claim.startedAt)
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
