import { CatchUpProgress } from "./catch-up-progress.ts";
import { systemWallClock, type WallClock } from "../contract/wall-clock.ts";
import { leadToRow } from "./lead-row.ts";
import type { PageClients } from "./page-clients.ts";
import type { SyncLog } from "./sync-log.ts";
import type { FormState, SyncStore, StoredLead } from "./storage/sync-store.ts";
import { describeProblem, diagnose } from "./sync-problem.ts";
import type { TokenWatch } from "./token-watch.ts";

/** Outcome of one reconciliation pass. */
export interface ReconcileReport {
  startedAt: number;
  finishedAt: number;
  forms: number;
  leadsRead: number;
  leadsAdded: number;
  /** Forms whose interrupted pass was resumed. */
  resumed: number;
  errors: string[];
}

/**
 * Gap filling: for every form of every page, reads leads created at or after the form's high-water
 * mark minus the overlap window (`filtering` on time_created) and stores the ones missing. The mark
 * moves only after a form was read to the end; an interrupted pass leaves a checkpoint (the range
 * still unread) that the next pass finishes first, so a restart during a long catch-up resumes.
 */
type ReconcilerOptions = {
  store: SyncStore;
  clients: PageClients;
  tokens: TokenWatch;
  log: SyncLog;
  overlap: number;
  pageSize: number;
  forward: boolean;
  /** Named in network failures. */
  baseUrl?: string;
  /** Milliseconds between progress lines of a form being read (default 5000). */
  progressEveryMs?: number;
  /** Report times and `reconciled` marks read it (the system's wall clock by default). */
  wallClock?: WallClock;
};

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #wall: WallClock;
  /** Graph's `leads_count` per form, from the last listing: the total of a catch-up. */
  readonly #leadsCount = new Map<string, number>();
  readonly progress: CatchUpProgress;
  last: ReconcileReport | undefined;
  running = false;

  constructor(o: ReconcilerOptions) {
    this.#o = o;
    this.#wall = o.wallClock ?? systemWallClock;
    this.progress = new CatchUpProgress({
      log: o.log,
      now: () => this.#wall.nowMs(),
      ...(o.progressEveryMs !== undefined ? { everyMs: o.progressEveryMs } : {}),
    });
  }

  async run(shouldStop: () => boolean = () => false): Promise<ReconcileReport> {
    const { store, clients, tokens, log } = this.#o;
    this.running = true;
    const report: ReconcileReport = {
      startedAt: this.#wall.nowMs(),
      finishedAt: 0,
      forms: 0,
      leadsRead: 0,
      leadsAdded: 0,
      resumed: 0,
      errors: [],
    };
    try {
      for (const pageId of clients.pageIds) {
        if (shouldStop()) break;
        const client = clients.for(pageId)!;
        try {
          for await (const form of client.forms(pageId, { fields: ["id", "name", "leads_count"] })) {
            await store.upsertForm(form.id, pageId, form.name ?? null);
            if (typeof form.leads_count === "number") this.#leadsCount.set(form.id, form.leads_count);
          }
        } catch (e) {
          const p = diagnose(e, { pageId, what: `listing forms of page ${pageId}`, baseUrl: this.#o.baseUrl ?? "the Graph base URL" });
          report.errors.push(`page ${pageId} forms: ${p.message}`);
          if (p.needsPerson) {
            await tokens.report(p);
            continue;
          }
          log.warn(
            { pageId, problem: p.kind, code: p.code, subcode: p.subcode },
            `${describeProblem(p)} Reconciling the forms already known.`,
          );
        }
        for (const form of await store.forms(pageId)) {
          if (shouldStop()) break;
          report.forms += 1;
          try {
            await this.#form(form, report, shouldStop);
          } catch (e) {
            const p = diagnose(e, { pageId, what: `reading leads of form ${form.id}`, baseUrl: this.#o.baseUrl ?? "the Graph base URL" });
            report.errors.push(`form ${form.id}: ${p.message}`);
            await store.formFailed(form.id, p.message);
            if (p.needsPerson) {
              await tokens.report(p);
              break;
            }
            log.warn({ formId: form.id, problem: p.kind, code: p.code, subcode: p.subcode }, describeProblem(p));
          }
        }
      }
    } finally {
      report.finishedAt = this.#wall.nowMs();
      this.last = report;
      this.running = false;
    }
    log.info(
      {
        forms: report.forms,
        read: report.leadsRead,
        added: report.leadsAdded,
        errors: report.errors.length,
        ms: report.finishedAt - report.startedAt,
      },
      "reconciliation finished",
    );
    return report;
  }

  async #form(form: FormState, report: ReconcileReport, shouldStop: () => boolean): Promise<void> {
    let highWater = form.high_water;
    if (form.pass_until !== null) {
      // An earlier pass stopped part-way (crash, stop, error): finish its older range first.
      const newest = await this.#read(
        form,
        { since: form.pass_since ?? 0, until: form.pass_until, newest: Math.max(highWater, form.pass_newest ?? 0) },
        report,
        shouldStop,
      );
      if (newest === undefined) return;
      report.resumed += 1;
      highWater = Math.max(highWater, newest);
    }
    const since = highWater > 0 ? Math.max(0, highWater - this.#o.overlap) : 0;
    await this.#read(form, { since, newest: highWater }, report, shouldStop);
  }

  /**
   * Reads [since, until) newest first and stores what is missing. Each stored page records, in the
   * same transaction, the oldest time read so far (+1 s, so ties at that second are re-read),
   * which is where a restart resumes. Storing a page overlaps fetching the next one; pages are
   * stored in order so the checkpoint only moves down. Returns the newest created_time seen, or
   * undefined when stopped early.
   */
  async #read(
    form: FormState,
    range: { since: number; until?: number; newest: number },
    report: ReconcileReport,
    shouldStop: () => boolean,
  ): Promise<number | undefined> {
    const { store, clients, pageSize, forward } = this.#o;
    const client = clients.for(form.page_id)!;
    let newest = range.newest;
    let oldest = Number.POSITIVE_INFINITY;
    let storing: Promise<void> = Promise.resolve();
    const store1 = (rows: StoredLead[], progress: { formId: string; since: number; until: number; newest: number }) => async () => {
      report.leadsAdded += (await store.insertLeads(rows, progress)).length;
    };
    const opts = {
      pageSize,
      ...(range.since > 0 ? { since: range.since } : {}),
      ...(range.until !== undefined ? { until: range.until } : {}),
    };
    // A read from the form's start has Graph's leads_count as its total; a resumed one has already
    // stored the newer leads above `until`.
    const fromStart = range.since === 0;
    const total = fromStart ? (this.#leadsCount.get(form.id) ?? null) : null;
    const done0 = fromStart && range.until !== undefined ? await store.countLeads(form.id) : 0;
    this.progress.start(form.id, form.page_id, total, done0);
    let ok = false;
    try {
      for await (const page of client.leadPages(form.id, opts)) {
        if (page.length === 0) continue;
        const rows = page.map((lead) => leadToRow(lead, form.page_id, form.id, "reconcile", this.#wall.nowMs(), forward));
        for (const r of rows) {
          newest = Math.max(newest, r.created_time);
          oldest = Math.min(oldest, r.created_time);
        }
        report.leadsRead += rows.length;
        this.progress.add(form.id, rows.length);
        await storing;
        if (shouldStop()) return undefined;
        storing = store1(rows, { formId: form.id, since: range.since, until: oldest + 1, newest })();
        // Handled here so a failure while the next page is in flight is not an unhandled rejection;
        // it is still thrown by the next `await storing`.
        storing.catch(() => undefined);
      }
      ok = true;
    } finally {
      // Never leave a store running behind an error or a stop.
      await storing.catch(() => undefined);
      this.progress.finish(form.id, ok);
    }
    await storing;
    await store.formReconciled(form.id, newest, this.#wall.nowMs());
    return newest;
  }
}
