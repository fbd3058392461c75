import { GraphApiError, LEAD_FIELDS } from "../client/index.ts";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";
import { leadToRow } from "./lead-row.ts";
import type { PageClients } from "./page-clients.ts";
import type { SyncLog } from "./sync-log.ts";
import type { JobRow, SyncStore } from "./storage/sync-store.ts";
import { diagnose } from "./sync-problem.ts";
import type { TokenWatch } from "./token-watch.ts";

/** Counters reported on /status. */
export interface FetcherStats {
  fetched: number;
  alreadyStored: number;
  failed: number;
  rescheduled: number;
}

const MAX_ATTEMPTS = 8;
const TOKEN_BLOCKED_RETRY_MS = 10 * 60_000;

/** Job backoff once the client's own retries gave up: 4 s, 8 s, … capped at 15 minutes. */
export const jobBackoffMs = (attempts: number): number => Math.min(15 * 60_000, 2000 * 2 ** attempts);

/**
 * Works the durable queue the webhook endpoint fills: fetches each announced lead once and stores
 * it. A job is marked done only after its lead is committed, so a crash re-fetches at worst.
 */
export class LeadFetcher {
  readonly stats: FetcherStats = { fetched: 0, alreadyStored: 0, failed: 0, rescheduled: 0 };
  readonly #o: { store: SyncStore; clients: PageClients; tokens: TokenWatch; log: SyncLog; concurrency: number; forward: boolean };
  readonly #wall: WallClock;
  #running = false;
  #wake: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(o: {
    store: SyncStore;
    clients: PageClients;
    tokens: TokenWatch;
    log: SyncLog;
    concurrency: number;
    forward: boolean;
    wallClock?: WallClock;
  }) {
    this.#o = o;
    this.#wall = o.wallClock ?? systemWallClock;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.abort();
    await this.#loop;
  }

  /** New work was queued. */
  wake(): void {
    this.#wake?.abort();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let jobs: JobRow[] = [];
      try {
        jobs = await this.#o.store.dueJobs(this.#wall.nowMs(), this.#o.concurrency * 4);
      } catch (e) {
        this.#o.log.error({ err: String(e) }, "reading the job queue failed");
      }
      if (jobs.length === 0) {
        const next = await this.#o.store.nextDueAt().catch(() => undefined);
        const wait = next === undefined ? 5000 : Math.max(10, Math.min(5000, next - this.#wall.nowMs()));
        const wake = new AbortController();
        this.#wake = wake;
        if (this.#running) await this.#wall.sleep(wait, wake.signal);
        continue;
      }
      const queue = [...jobs];
      await Promise.all(
        Array.from({ length: Math.min(this.#o.concurrency, queue.length) }, async () => {
          for (let job = queue.shift(); job && this.#running; job = queue.shift()) await this.#process(job);
        }),
      );
    }
  }

  async #process(job: JobRow): Promise<void> {
    const { store, clients, tokens, log } = this.#o;
    try {
      if (await store.hasLead(job.lead_id)) {
        this.stats.alreadyStored += 1;
        await store.finishJob(job.lead_id, "done");
        return;
      }
      const client = clients.for(job.page_id);
      if (!client) {
        await store.finishJob(job.lead_id, "failed", `page ${job.page_id} is not configured`);
        return;
      }
      if (tokens.blocked(job.page_id)) {
        await store.retryJob(
          job.lead_id,
          job.attempts,
          this.#wall.nowMs() + TOKEN_BLOCKED_RETRY_MS,
          `page paused: ${tokens.problem(job.page_id)?.kind ?? "token expired or invalid"}`,
        );
        return;
      }
      const lead = await client.getLead(job.lead_id, { fields: LEAD_FIELDS });
      await store.insertLeads([leadToRow(lead, job.page_id, job.form_id, "webhook", this.#wall.nowMs(), this.#o.forward)]);
      this.stats.fetched += 1;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const problem =
        e instanceof GraphApiError && !e.retryable
          ? diagnose(e, { pageId: job.page_id, what: `fetching lead ${job.lead_id}`, baseUrl: "the Graph base URL" })
          : undefined;
      // A wrong secret or a dead token fails every lead alike: pause the page instead of failing leads.
      if (problem && (problem.kind === "app-secret" || problem.kind === "token-expired" || problem.kind === "token-invalid")) {
        await tokens.report(problem);
        await store.retryJob(job.lead_id, job.attempts, this.#wall.nowMs() + TOKEN_BLOCKED_RETRY_MS, msg);
        this.stats.rescheduled += 1;
        return;
      }
      if (e instanceof GraphApiError && !e.retryable) {
        // The lead is gone or not ours to read (100/33, permissions): retrying cannot help.
        this.stats.failed += 1;
        log.warn({ leadId: job.lead_id, code: e.code, subcode: e.subcode }, `lead ${job.lead_id} could not be fetched: ${msg}`);
        await store.finishJob(job.lead_id, "failed", msg);
        return;
      }
      const attempts = job.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        this.stats.failed += 1;
        log.error(
          { leadId: job.lead_id },
          `lead ${job.lead_id} gave up after ${attempts} attempts (reconciliation will still find it): ${msg}`,
        );
        await store.finishJob(job.lead_id, "failed", msg).catch(() => undefined);
        return;
      }
      this.stats.rescheduled += 1;
      await store.retryJob(job.lead_id, attempts, this.#wall.nowMs() + jobBackoffMs(attempts), msg).catch(() => undefined);
    }
  }
}
