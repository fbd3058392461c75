import type { Caller } from "../access/caller.ts";

/** One page's leadgen usage, as reported in `X-Business-Use-Case-Usage`. */
export interface LeadgenUsage {
  callCount: number;
  totalCputime: number;
  totalTime: number;
  estimatedTimeToRegainAccess: number;
}

/** Collects what a request used so the HTTP layer can write the usage headers. */
export class UsageReport {
  readonly pages = new Map<string, LeadgenUsage>();
  record(pageId: string, usage: LeadgenUsage): void {
    this.pages.set(pageId, usage);
  }
}

/**
 * Counts calls that read lead data against the lead's page (200 × 24 × leads of the last 90 days
 * per rolling 24 hours). `charge` throws the 80005 GraphError when the page is over budget.
 */
export interface LeadReadMeter {
  charge(caller: Caller, pageId: string, calls: number, report: UsageReport): Promise<void>;
  /** Writes out what the meter holds in memory, so stored usage is exact (before it is shown, at stop). */
  settle?(pageId?: string): Promise<void>;
  /** The page's limits changed behind the meter (forced, reset): decide its next read on the stored state. */
  forget?(pageId?: string): Promise<void>;
}

/** Counts nothing: used until a real meter is configured, and by internal reads. */
export const unmeteredReads: LeadReadMeter = {
  async charge() {},
};
