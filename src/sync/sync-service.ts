import type { Server } from "node:http";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";
import type { AddressInfo } from "node:net";
import { Forwarder } from "./forwarder.ts";
import { LeadFetcher } from "./lead-fetcher.ts";
import { PageClients } from "./page-clients.ts";
import { Reconciler } from "./reconciler.ts";
import type { SyncConfig } from "./sync-config.ts";
import { createSyncServer, type WebhookStats } from "./sync-http.ts";
import type { SyncLog } from "./sync-log.ts";
import { connectSyncDatabase, migrateSyncDatabase, type SyncConnection } from "./storage/connect.ts";
import { SyncStore } from "./storage/sync-store.ts";
import { describeProblem, diagnose, EXIT_CODES, type SyncProblem } from "./sync-problem.ts";
import { TokenWatch } from "./token-watch.ts";
import { readApiAccess } from "./read-api-key.ts";

/** Listens and answers the server's URL. */
async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
}

/** Why the service gave up: every page needs a person. `exitCode` is the CLI's (docs/sync.md). */
export interface GiveUp {
  exitCode: number;
  problems: SyncProblem[];
}

export interface SyncServiceOptions {
  fetch?: typeof fetch;
  /** Unix ms clock for tests on a manual clock: token expiry is judged against it. */
  now?: () => number;
  /** Timers, job and forward backoff, and state timestamps run on it (tests inject one). */
  wallClock?: WallClock;
  /** Keep running (paused) when every page needs a person, instead of giving up. */
  waitForFix?: boolean;
  /** Milliseconds between progress lines of a form being reconciled (default 5000). */
  progressEveryMs?: number;
}

/**
 * `leadgraph sync`: webhook endpoint + durable fetch queue + periodic reconciliation + token watch
 * (+ optional forwarding), over its own database. Everything it must not lose is in the database
 * before it is acknowledged, so SIGKILL at any point and a restart converge to the same table.
 */
export class SyncService {
  readonly config: SyncConfig;
  readonly #log: SyncLog;
  readonly #fetch: typeof fetch | undefined;
  readonly #now: (() => number) | undefined;
  readonly #opts: SyncServiceOptions;
  #giveUp: ((g: GiveUp) => void) | undefined;
  /** Resolves when every page needs a person and the service was not told to wait for a fix. */
  readonly gaveUp: Promise<GiveUp>;
  /** Latest rate-limit or network problem per page, for /status. */
  readonly #transient = new Map<string, SyncProblem>();
  #conn: SyncConnection | undefined;
  #server: Server | undefined;
  #webhookServer: Server | undefined;
  #timers: (() => void)[] = [];
  readonly #wall: WallClock;
  #stopping = false;
  #reconcileLoop: Promise<unknown> | undefined;
  store!: SyncStore;
  clients!: PageClients;
  tokens!: TokenWatch;
  fetcher!: LeadFetcher;
  reconciler!: Reconciler;
  forwarder: Forwarder | undefined;
  readonly webhookStats: WebhookStats = { posts: 0, changes: 0, queued: 0, duplicates: 0, ignoredPages: 0, rejected: 0 };
  url = "";
  /** Where the webhook route is served: `url`, or its own address with `--webhook-listen` ("" without webhooks). */
  webhookUrl = "";
  /** The read API key generated on this start (printed once by the CLI); undefined when configured or already stored. */
  generatedApiKey: string | undefined;

  constructor(config: SyncConfig, log: SyncLog, opts: SyncServiceOptions = {}) {
    this.config = config;
    this.#log = log;
    this.#fetch = opts.fetch;
    this.#now = opts.now;
    this.#opts = opts;
    this.#wall = opts.wallClock ?? systemWallClock;
    this.gaveUp = new Promise((r) => (this.#giveUp = r));
  }

  async start(): Promise<void> {
    const c = this.config;
    this.#conn = connectSyncDatabase(c.databaseUrl ? { kind: "postgres", url: c.databaseUrl } : { kind: "sqlite", file: c.db });
    await migrateSyncDatabase(this.#conn.db);
    this.store = new SyncStore(this.#conn.db);
    this.clients = new PageClients(c, {
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
      onRetry: (pageId, e) => {
        const p = diagnose(e.error, { pageId, what: `${e.method} ${e.path}`, baseUrl: c.baseUrl, delayMs: e.delayMs });
        const obj = { pageId, attempt: e.attempt, delayMs: e.delayMs, code: e.error.code, status: e.error.status, problem: p.kind };
        if (p.kind === "rate-limit" || p.kind === "network") this.#transient.set(pageId, p);
        if (p.kind === "rate-limit") {
          this.reconciler.progress.paused(pageId, this.#wall.nowMs() + e.delayMs);
          this.#log.warn(
            { ...obj, until: p.until },
            `${p.message}; waiting ${e.delayMs} ms (retry ${e.attempt}). What to do: ${p.action}.`,
          );
        } else if (p.kind === "network") {
          this.#log.warn(obj, `${p.message}; retrying in ${e.delayMs} ms (retry ${e.attempt}). What to do: ${p.action}.`);
        } else {
          this.#log.warn(obj, `retrying after ${e.error.message}`);
        }
      },
    });
    this.tokens = new TokenWatch({
      clients: this.clients,
      store: this.store,
      log: this.#log,
      warnDays: c.tokenWarnDays,
      appId: c.appId,
      baseUrl: c.baseUrl,
      ...(this.#now ? { now: this.#now } : {}),
    });
    const forward = Boolean(c.forwardUrl);
    this.fetcher = new LeadFetcher({
      store: this.store,
      clients: this.clients,
      tokens: this.tokens,
      log: this.#log,
      concurrency: c.concurrency,
      forward,
      wallClock: this.#wall,
    });
    this.reconciler = new Reconciler({
      store: this.store,
      clients: this.clients,
      tokens: this.tokens,
      log: this.#log,
      overlap: c.overlap,
      pageSize: c.pageSize,
      forward,
      baseUrl: c.baseUrl,
      wallClock: this.#wall,
      ...(this.#opts.progressEveryMs !== undefined ? { progressEveryMs: this.#opts.progressEveryMs } : {}),
    });
    for (const p of c.pages) await this.store.setState(`page:${p.id}`, { configured: true }, this.#wall.nowMs());

    const { access, generatedKey } = await readApiAccess(this.store, c);
    this.generatedApiKey = generatedKey;
    const webhook = c.webhooks
      ? {
          path: c.webhookPath,
          appSecret: c.appSecret!,
          verifyToken: c.verifyToken!,
          pageIds: new Set(c.pages.map((p) => p.id)),
          onQueued: () => this.fetcher.wake(),
        }
      : undefined;
    const common = { store: this.store, access, stats: this.webhookStats, status: () => this.status(), nowMs: () => this.#wall.nowMs() };
    this.#server = createSyncServer({ ...common, webhook: c.webhookListen ? undefined : webhook });
    this.url = await listen(this.#server, c.host, c.port);
    if (c.webhookListen) {
      const at = c.webhookListen.lastIndexOf(":");
      this.#webhookServer = createSyncServer({ ...common, webhook, readApi: false });
      this.webhookUrl = await listen(
        this.#webhookServer,
        c.webhookListen.slice(0, at).replace(/^\[|\]$/g, ""),
        Number(c.webhookListen.slice(at + 1)),
      );
    } else this.webhookUrl = c.webhooks ? this.url : "";
    this.#log.info(
      {
        url: this.url,
        webhookUrl: this.webhookUrl,
        readApi: access.open ? "open" : "key",
        pages: c.pages.map((p) => p.id),
        webhooks: c.webhooks,
      },
      "sync listening",
    );

    this.fetcher.start();
    if (c.forwardUrl) {
      this.forwarder = new Forwarder({
        store: this.store,
        log: this.#log,
        url: c.forwardUrl,
        secret: c.forwardSecret!,
        wallClock: this.#wall,
        ...(this.#fetch ? { fetch: this.#fetch } : {}),
      });
      this.forwarder.start();
    }
    this.#reconcileLoop = (async () => {
      await this.tokens.checkAll().catch((e) => this.#log.warn({ err: String(e) }, "token check failed"));
      await this.reconcileNow();
    })();
    this.#timers.push(this.#wall.every(c.reconcileInterval * 1000, () => this.reconcileNow()));
    this.#timers.push(
      this.#wall.every(c.tokenCheckInterval * 1000, () =>
        this.tokens
          .checkAll()
          .then(() => this.#checkGiveUp())
          .catch(() => undefined),
      ),
    );
  }

  /** Runs a reconciliation unless one is running; resolves when it ends. */
  async reconcileNow(): Promise<void> {
    if (this.reconciler.running || this.#stopping) return;
    try {
      await this.reconciler.run(() => this.#stopping);
      await this.store.setState("lastReconcile", this.reconciler.last, this.#wall.nowMs());
    } catch (e) {
      this.#log.error({ err: String(e) }, "reconciliation failed");
    }
    this.#checkGiveUp();
  }

  /** Problems that keep pages from syncing until a person acts, by page. */
  problems(): SyncProblem[] {
    return this.config.pages.map((p) => this.tokens.problem(p.id)).filter((p): p is SyncProblem => p !== undefined);
  }

  /**
   * When no page can sync without a person, says so once and (unless told to wait) gives up, so a
   * supervisor or a person sees a non-zero exit instead of a process idling forever.
   */
  #checkGiveUp(): void {
    const problems = this.problems();
    if (this.#stopping || problems.length === 0 || problems.length < this.config.pages.length || !this.#giveUp) return;
    const kinds = new Set(problems.map((p) => p.kind));
    const kind = kinds.has("app-secret")
      ? "app-secret"
      : kinds.has("token-expired")
        ? "token-expired"
        : kinds.has("token-invalid")
          ? "token-invalid"
          : "no-access";
    const exitCode = EXIT_CODES[kind];
    const why = problems.map(describeProblem).join(" ");
    if (this.#opts.waitForFix) {
      this.#log.error({ problems: problems.map((p) => p.kind) }, `no page can sync until a person acts; waiting (--wait-for-fix). ${why}`);
    } else {
      this.#log.error(
        { problems: problems.map((p) => p.kind), exitCode },
        `no page can sync until a person acts; stopping with exit code ${exitCode} (--wait-for-fix keeps it running). ${why}`,
      );
    }
    const give = this.#giveUp;
    this.#giveUp = undefined;
    if (!this.#opts.waitForFix) give({ exitCode, problems });
  }

  /** What /status answers. */
  async status(): Promise<Record<string, unknown>> {
    return {
      leads: await this.store.countLeads(),
      jobs: await this.store.jobCounts(),
      forms: (await this.store.forms()).map((f) => ({
        id: f.id,
        page_id: f.page_id,
        name: f.name,
        high_water: f.high_water,
        resume_below: f.pass_until,
        last_reconciled_at: f.last_reconciled_at,
        last_error: f.last_error,
      })),
      tokens: this.tokens.all(),
      webhooks: this.webhookStats,
      fetcher: this.fetcher.stats,
      reconcile: { running: this.reconciler.running, progress: this.reconciler.progress.snapshot(), last: this.reconciler.last ?? null },
      problems: this.problems(),
      lastTransientProblems: Object.fromEntries(this.#transient),
      rateLimit: { ...this.clients.stats, governor: this.clients.governorPauses() },
      forward: this.forwarder ? { forwarded: this.forwarder.forwarded, failures: this.forwarder.failures } : null,
    };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const stop of this.#timers) stop();
    await Promise.all(
      [this.#server, this.#webhookServer].map((server) => {
        const closed = new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        server?.closeAllConnections();
        return closed;
      }),
    );
    await this.fetcher?.stop();
    await this.forwarder?.stop();
    await this.#reconcileLoop?.catch(() => undefined);
    await this.#conn?.close();
  }
}
