import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MetaAccessPolicy } from "../domain/access/meta-access-policy.ts";
import { type Clock, ManualClock, systemClock } from "../domain/clock.ts";
import { type ClockControl, localClockControl, SharedManualClock, systemClockControl } from "../domain/clock-control.ts";
import { exemptConsoleReads } from "../domain/rate-limit/console-reads-unmetered.ts";
import { LeadRateMeter } from "../domain/rate-limit/lead-rate-meter.ts";
import type { LeadUsageStore } from "../domain/rate-limit/usage-store.ts";
import { CursorCodec } from "../domain/cursor.ts";
import { SnowflakeIds } from "../domain/ids.ts";
import { LeadIntake } from "../domain/leads/lead-intake.ts";
import type { Services } from "../domain/services.ts";
import { OutboxSignal } from "../domain/webhooks/outbox-signal.ts";
import { type HostResolver, listensOnLoopbackOnly, OutboundPolicy } from "../domain/webhooks/outbound-policy.ts";
import {
  connect,
  type Connection,
  createStore,
  type DatabaseTarget,
  KyselyAttemptCounterRepository,
  KyselyLeadUsageRepository,
  migrateToLatest,
  recentTokenHasher,
  SecretBox,
} from "../storage/index.ts";
import { AttemptThrottle } from "../domain/rate-limit/attempt-throttle.ts";
import { allocateNode, type InstanceStanding } from "../storage/index.ts";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";
import type { Config } from "./config.ts";
import { explainConnectFailure } from "./connect-errors.ts";
import { PrometheusMetrics } from "./prometheus-metrics.ts";
import { type CloseHook, CloseHooks } from "./close-hooks.ts";
import { verifySecretKey } from "./secret-key-check.ts";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../contract/private-files.ts";

export interface Runtime {
  config: Config;
  services: Services;
  connection: Connection;
  /** Admin API key (plain, known only to this process and the operator). */
  adminKey: string;
  /** Whether the admin key was generated now (serve prints it). */
  adminKeyGenerated: boolean;
  /** Node number of this instance (ids, `instances` table). */
  instanceNode: number;
  /** Whether this instance may take work; its heartbeat steps it down (see instance-node.ts). */
  instance: InstanceStanding;
  /** Elapsed real time: leases, heartbeats, rate-limit blocks, sync timers (tests inject one). */
  wallClock: WallClock;
  /** Per-runtime Prometheus registry behind `services.metrics`. */
  metrics: PrometheusMetrics;
  /** Runs at close, before the instance node is released and the pool closed (newest first). */
  onClose(hook: CloseHook): void;
  /** Moves the manual clock (admin API, CLI); refuses when the clock is the system clock. */
  clockControl: ClockControl;
  /** The lead rate limit's counters (admin API, CLI). */
  leadUsage: LeadUsageStore;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  /** Wall time for leases, heartbeats, rate-limit blocks and sync (the system's otherwise). */
  wallClock?: WallClock;
  /** Resolves callback host names (tests inject one; the system resolver otherwise). */
  resolveHost?: HostResolver;
}

/**
 * The outbound policy a configuration asks for: private networks follow `outboundPrivateNetworks`,
 * or under `auto` whether this is a local sandbox — listening on loopback only and not published
 * at another address (an instance behind a reverse proxy on its host listens on loopback too, but
 * its public URL names the network it serves).
 */
export function outboundPolicyOf(config: Config, resolver?: HostResolver): OutboundPolicy {
  const mode = config.outboundPrivateNetworks;
  const published = config.publicUrl ? new URL(config.publicUrl) : undefined;
  const servesNetwork = !listensOnLoopbackOnly(config.host)
    ? `this server listens on ${config.host}, not on loopback only`
    : published && !listensOnLoopbackOnly(published.hostname)
      ? `this server is published at ${published.origin}`
      : undefined;
  const privateNetworks = mode === "auto" ? (servesNetwork ? "deny" : "allow") : mode;
  const denyReason = `${mode === "deny" ? "this server denies private networks (LEADGRAPH_OUTBOUND_PRIVATE_NETWORKS=deny)" : servesNetwork}; LEADGRAPH_OUTBOUND_ALLOW lists exceptions`;
  return new OutboundPolicy({ privateNetworks, allow: config.outboundAllow ?? "", denyReason, ...(resolver ? { resolver } : {}) });
}

/** The database a configuration names, with its pool settings (every command connects the same way). */
export function databaseTargetOf(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? {
        kind: "postgres",
        url: config.databaseUrl,
        poolSize: config.dbPoolSize,
        statementTimeoutMs: config.dbStatementTimeoutMs,
        connectionTimeoutMs: config.dbConnectionTimeoutMs,
        idleTimeoutMs: config.dbIdleTimeoutMs,
        preparedStatements: config.dbPreparedStatements,
      }
    : { kind: "sqlite", file: config.db };
}

/** Connects, migrates under a lock, loads shared secrets and wires the domain services. */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const connection = connect(databaseTargetOf(config));
  try {
    const box = secretBoxOf(config);
    await migrateToLatest(connection.db, box).catch((e: unknown) => {
      throw explainConnectFailure(config, e);
    });
    const store = createStore(connection.db, box, connection.durableTransaction, connection.generation, connection.leadCommit);
    await verifySecretKey(store.settings, box, config.secretKey ? "LEADGRAPH_SECRET_KEY" : `key file ${localSecretKeyFile(config)}`);
    // Shared by every instance on one database: cursors made by one are valid on all.
    const cursorSecret = await store.settings.getOrInitSecret("cursor_secret", () => randomBytes(32).toString("hex"));
    let adminKey = config.adminKey;
    let adminKeyGenerated = false;
    if (!adminKey) {
      // Insert-if-absent: of instances starting together on an empty database, exactly one key wins.
      const candidate = box.seal(`lgadm_${randomBytes(24).toString("base64url")}`);
      const stored = await store.settings.getOrInit("admin_key_sealed", () => candidate);
      adminKey = box.open(stored);
      adminKeyGenerated = stored === candidate;
    }
    const clockControl = await clockFrom(config.clock, overrides.clock, store);
    const clock = clockControl.clock;
    const leadUsage = new KyselyLeadUsageRepository(connection.db);
    const wallClock = overrides.wallClock ?? systemWallClock;
    const node = await allocateNode(connection.db, wallClock);
    const ids = new SnowflakeIds(node.node);
    // First to hear: ids carry the node claimed in place of a lost one before anyone takes work again.
    node.standing.listen((change) => {
      if (change.kind === "resumed") ids.useNode(change.node);
      else if (change.error !== undefined) connection.faults.observe(change.error, "instance heartbeat");
    });
    const metrics = new PrometheusMetrics(
      () => connection.poolStats(),
      () => connection.durableCommitStats(),
    );
    const closeHooks = new CloseHooks();
    const outbox = new OutboxSignal();
    const hashToken = recentTokenHasher();
    const services: Services = {
      store,
      clock,
      ids,
      cursors: new CursorCodec(cursorSecret),
      policy: new MetaAccessPolicy(store, clock, hashToken),
      meter: exemptConsoleReads(new LeadRateMeter(leadUsage, clock, { metrics, wallMs: () => wallClock.nowMs() })),
      intake: new LeadIntake(store, clock, ids, { metrics, onOutboxWritten: () => outbox.notify() }),
      hashToken,
      metrics,
      outbox,
      outbound: outboundPolicyOf(config, overrides.resolveHost),
      // Wall time, not the product clock: under a frozen manual clock a throttled address would stay
      // locked out, and moving the clock needs the very admin key it is locked out of.
      throttle: new AttemptThrottle(new KyselyAttemptCounterRepository(connection.db), wallClock, {
        authFailures: { limit: config.authFailureLimit, windowSeconds: config.authFailureWindowSeconds },
        formSubmitsPerAddress: { limit: config.hostedFormSubmitsPerAddress, windowSeconds: config.hostedFormWindowSeconds },
        formSubmitsPerForm: { limit: config.hostedFormSubmitsPerForm, windowSeconds: config.hostedFormWindowSeconds },
      }),
    };
    let closing: Promise<void> | undefined;
    return {
      config,
      services,
      connection,
      adminKey,
      adminKeyGenerated,
      get instanceNode() {
        return node.node;
      },
      instance: node.standing,
      wallClock,
      metrics,
      clockControl,
      leadUsage,
      onClose: (hook) => closeHooks.add(hook),
      close() {
        closing ??= (async () => {
          try {
            await closeHooks.runAll();
            // Calls reserved for reads that will not come are given back to the page's budget.
            await services.meter.settle?.().catch(() => undefined);
          } finally {
            clockControl.close();
            await node.release();
            await connection.close();
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    await connection.close();
    throw e;
  }
}

/** An injected clock wins (tests); otherwise `system`, or the manual clock shared through the database. */
async function clockFrom(spec: string, injected: Clock | undefined, store: ReturnType<typeof createStore>): Promise<ClockControl> {
  if (injected) return injected instanceof ManualClock ? localClockControl(injected) : systemClockControl(injected);
  if (spec === "system") return systemClockControl(systemClock);
  const at = spec.split(":")[1];
  return SharedManualClock.open(store.settings, { ...(at ? { startMs: Number(at) * 1000 } : {}), fallbackMs: Date.now() });
}

/** The box sealing server secrets: the configured key, or the local key file (created on first start). */
export const secretBoxOf = (config: Config): SecretBox => new SecretBox(config.secretKey ?? localSecretKey(config));

const localSecretKeyFile = (config: Config): string =>
  config.databaseUrl ? resolve(".leadgraph/secret.key") : `${resolve(config.db)}.key`;

/**
 * Without a configured key, app secrets are sealed with a key kept in a file beside the SQLite
 * database (or in ./.leadgraph for PostgreSQL), created on first start with owner-only permissions.
 */
function localSecretKey(config: Config): string {
  const file = localSecretKeyFile(config);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  ensurePrivateDir(dirname(file));
  const key = randomBytes(32).toString("base64url");
  writeFileSync(file, `${key}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
  chmodSync(file, PRIVATE_FILE_MODE);
  return key;
}
