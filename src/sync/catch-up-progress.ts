import type { SyncLog } from "./sync-log.ts";

/** One form's reconciliation pass as /status shows it. */
export interface FormProgress {
  formId: string;
  pageId: string;
  /** Leads of the form read so far (stored before this pass included when resuming a full read). */
  done: number;
  /** Graph's `leads_count` of the form, when this pass reads the form from its start. */
  total: number | null;
  /** Leads read per second in this pass. */
  rate: number;
  etaSeconds: number | null;
  startedAt: string;
  rateLimitPauses: number;
  /** ISO time the current rate-limit pause ends, while one lasts. */
  pausedUntil: string | null;
}

interface Active {
  formId: string;
  pageId: string;
  done0: number;
  read: number;
  total: number | null;
  startedMs: number;
  lastLogMs: number;
  pauses: number;
  pausedUntilMs: number | null;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

function eta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Progress of the forms being reconciled: a log line per form every `everyMs` (a catch-up against
 * Meta can take hours of rate-limit pauses) and a snapshot for /status.
 */
export class CatchUpProgress {
  readonly #active = new Map<string, Active>();
  readonly #log: SyncLog;
  readonly #everyMs: number;
  readonly #now: () => number;

  constructor(o: { log: SyncLog; everyMs?: number; now?: () => number }) {
    this.#log = o.log;
    this.#everyMs = o.everyMs ?? 5000;
    this.#now = o.now ?? Date.now;
  }

  start(formId: string, pageId: string, total: number | null, done0 = 0): void {
    const now = this.#now();
    this.#active.set(formId, { formId, pageId, done0, read: 0, total, startedMs: now, lastLogMs: now, pauses: 0, pausedUntilMs: null });
  }

  add(formId: string, n: number): void {
    const a = this.#active.get(formId);
    if (!a) return;
    a.read += n;
    const now = this.#now();
    if (a.pausedUntilMs !== null && a.pausedUntilMs <= now) a.pausedUntilMs = null;
    if (now - a.lastLogMs >= this.#everyMs) {
      a.lastLogMs = now;
      const p = this.#snap(a, now);
      this.#log.info({ progress: p }, this.#line(p));
    }
  }

  /** A rate-limit wait on a page: counted on its forms in progress, shown with its end. */
  paused(pageId: string, untilMs: number): void {
    for (const a of this.#active.values()) {
      if (a.pageId !== pageId) continue;
      a.pauses += 1;
      a.pausedUntilMs = untilMs;
    }
  }

  finish(formId: string, ok: boolean): void {
    const a = this.#active.get(formId);
    if (!a) return;
    this.#active.delete(formId);
    const now = this.#now();
    // Short passes (the periodic top-up) stay quiet; a pass that logged progress says how it ended.
    if (now - a.startedMs < this.#everyMs) return;
    const p = this.#snap(a, now);
    const secs = ((now - a.startedMs) / 1000).toFixed(1);
    this.#log.info(
      { progress: p },
      `form ${a.formId} (page ${a.pageId}): ${ok ? "read to the end" : "stopped"}, ${fmt(a.read)} leads in ${secs}s` +
        `${a.pauses ? `, ${a.pauses} rate-limit pause${a.pauses > 1 ? "s" : ""}` : ""}`,
    );
  }

  snapshot(): FormProgress[] {
    const now = this.#now();
    return [...this.#active.values()].map((a) => this.#snap(a, now));
  }

  #snap(a: Active, now: number): FormProgress {
    const elapsed = Math.max(0.001, (now - a.startedMs) / 1000);
    const rate = a.read / elapsed;
    const done = a.done0 + a.read;
    const total = a.total === null ? null : Math.max(a.total, done);
    const paused = a.pausedUntilMs !== null && a.pausedUntilMs > now ? new Date(a.pausedUntilMs).toISOString() : null;
    return {
      formId: a.formId,
      pageId: a.pageId,
      done,
      total,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: total !== null && rate > 0 ? Math.ceil((total - done) / rate) : null,
      startedAt: new Date(a.startedMs).toISOString(),
      rateLimitPauses: a.pauses,
      pausedUntil: paused,
    };
  }

  #line(p: FormProgress): string {
    const of =
      p.total !== null
        ? `${fmt(p.done)}/${fmt(p.total)} leads (${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100}%)`
        : `${fmt(p.done)} leads read`;
    const left = p.etaSeconds !== null ? `, ETA ${eta(p.etaSeconds)}` : "";
    const pauses = p.rateLimitPauses
      ? `, ${p.rateLimitPauses} rate-limit pause${p.rateLimitPauses > 1 ? "s" : ""}${p.pausedUntil ? ` (paused until ${p.pausedUntil})` : ""}`
      : "";
    return `form ${p.formId} (page ${p.pageId}): ${of}, ${fmt(p.rate)} leads/s${left}${pauses}`;
  }
}
