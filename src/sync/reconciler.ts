import { GraphApiError } from "../client/index.ts";
import { leadToRow } from "./lead-row.ts";
import type { PageClients } from "./page-clients.ts";
import type { SyncLog } from "./sync-log.ts";
import type { FormState, SyncStore, StoredLead } from "./storage/sync-store.ts";
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
export class Reconciler {
  readonly #o: { store: SyncStore; clients: PageClients; tokens: TokenWatch; log: SyncLog; overlap: number; pageSize: number; forward: boolean };
  last: ReconcileReport | undefined;
  running = false;

  constructor(o: { store: SyncStore; clients: PageClients; tokens: TokenWatch; log: SyncLog; overlap: number; pageSize: number; forward: boolean }) {
    this.#o = o;
  }

  async run(shouldStop: () => boolean = () => false): Promise<ReconcileReport> {
    const { store, clients, tokens, log } = this.#o;
    this.running = true;
    const report: ReconcileReport = { startedAt: Date.now(), finishedAt: 0, forms: 0, leadsRead: 0, leadsAdded: 0, resumed: 0, errors: [] };
    try {
      for (const pageId of clients.pageIds) {
        if (shouldStop()) break;
        const client = clients.for(pageId)!;
        try {
          for await (const form of client.forms(pageId)) await store.upsertForm(form.id, pageId, form.name ?? null);
        } catch (e) {
          if (e instanceof GraphApiError && e.isTokenError) {
            await tokens.reportError(pageId, e);
            report.errors.push(`page ${pageId}: ${e.message}`);
            continue;
          }
          report.errors.push(`page ${pageId} forms: ${e instanceof Error ? e.message : String(e)}`);
          log.warn({ pageId }, `listing forms of page ${pageId} failed; reconciling the forms already known`);
        }
        for (const form of await store.forms(pageId)) {
          if (shouldStop()) break;
          report.forms += 1;
          try {
            await this.#form(form, report, shouldStop);
          } catch (e) {
            const msg = e instanceof Error ? e.message : String(e);
            report.errors.push(`form ${form.id}: ${msg}`);
            await store.formFailed(form.id, msg);
            if (e instanceof GraphApiError && e.isTokenError) {
              await tokens.reportError(pageId, e);
              break;
            }
            log.warn({ formId: form.id }, `reconciling form ${form.id} failed: ${msg}`);
          }
        }
      }
    } finally {
      report.finishedAt = Date.now();
      this.last = report;
      this.running = false;
    }
    log.info({ forms: report.forms, read: report.leadsRead, added: report.leadsAdded, errors: report.errors.length, ms: report.finishedAt - report.startedAt }, "reconciliation finished");
    return report;
  }

  async #form(form: FormState, report: ReconcileReport, shouldStop: () => boolean): Promise<void> {
    let highWater = form.high_water;
    if (form.pass_until !== null) {
      // An earlier pass stopped part-way (crash, stop, error): finish its older range first.
      const newest = await this.#read(form, { since: form.pass_since ?? 0, until: form.pass_until, newest: Math.max(highWater, form.pass_newest ?? 0) }, report, shouldStop);
      if (newest === undefined) return;
      report.resumed += 1;
      highWater = Math.max(highWater, newest);
    }
    const since = highWater > 0 ? Math.max(0, highWater - this.#o.overlap) : 0;
    await this.#read(form, { since, newest: highWater }, report, shouldStop);
  }

  /**
   * Reads [since, until) newest first and stores what is missing. After every stored batch the
   * pass records the oldest time read so far (+1 s, so ties at that second are re-read), which is
   * where a restart resumes. Returns the newest created_time seen, or undefined when stopped early.
   */
  async #read(form: FormState, range: { since: number; until?: number; newest: number }, report: ReconcileReport, shouldStop: () => boolean): Promise<number | undefined> {
    const { store, clients, pageSize, forward } = this.#o;
    const client = clients.for(form.page_id)!;
    let newest = range.newest;
    let oldest = Number.POSITIVE_INFINITY;
    let batch: StoredLead[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const added = await store.insertLeads(batch);
      report.leadsAdded += added.length;
      for (const r of batch) oldest = Math.min(oldest, r.created_time);
      batch = [];
      await store.passProgress(form.id, range.since, oldest + 1, newest);
    };
    const opts = { pageSize, ...(range.since > 0 ? { since: range.since } : {}), ...(range.until !== undefined ? { until: range.until } : {}) };
    for await (const lead of client.leads(form.id, opts)) {
      const row = leadToRow(lead, form.page_id, form.id, "reconcile", Date.now(), forward);
      newest = Math.max(newest, row.created_time);
      report.leadsRead += 1;
      batch.push(row);
      if (batch.length >= pageSize) {
        await flush();
        if (shouldStop()) return undefined;
      }
    }
    await flush();
    await store.formReconciled(form.id, newest, Date.now());
    return newest;
  }
}
