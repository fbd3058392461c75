/** One minute of one page's lead reads. */
export interface UsageBucket {
  bucket: number;
  calls: number;
}

export interface PageUsageSummary {
  pageId: string;
  used: number;
  forcedUntil: number | null;
}

/** One conditional charge: add `calls` to `bucket` only if the window can take them. */
export interface ChargeRequest {
  pageId: string;
  bucket: number;
  /** First bucket of the rolling window. */
  fromBucket: number;
  calls: number;
  /** Unix seconds: a page forced into the limited state until later than this refuses. */
  now: number;
  /** Usage a recent lead count allows without recounting (a safe fraction of that budget). */
  trustBudgetUpTo: number;
  /** Beyond `trustBudgetUpTo`, the budget is counted inside the charge: calls per lead × max(leads, minLeads). */
  callsPerLead: number;
  minLeads: number;
  /** `[from, to]` created_time range of the leads that count (the past 90 days). */
  leadsFrom: number;
  leadsTo: number;
}

/**
 * Storage of the lead rate limit's counters, shared by every instance on one database. The
 * domain decides the numbers; storage guarantees that a charge is one atomic step.
 */
export interface LeadUsageStore {
  /**
   * Charges the calls when the page is not forced and the window's usage plus the calls stays
   * within the budget, as one atomic step across connections and instances. Answers the window's
   * usage including these calls, or undefined (nothing charged) when refused.
   */
  tryCharge(req: ChargeRequest): Promise<number | undefined>;
  /**
   * Takes back calls charged ahead of use to a bucket (a lease's unused part), never more than the
   * bucket holds (it may have been reset or pruned meanwhile).
   */
  refund(pageId: string, bucket: number, calls: number): Promise<void>;
  /** Adds calls unconditionally (tests and operators replaying usage). */
  add(pageId: string, bucket: number, calls: number): Promise<void>;
  /** Usage since fromBucket and forced state of every page that has any. */
  summaries(fromBucket: number): Promise<PageUsageSummary[]>;
  buckets(pageId: string, fromBucket: number): Promise<UsageBucket[]>;
  forcedUntil(pageId: string): Promise<number | null>;
  countLeads(pageId: string, from: number, to: number): Promise<number>;
  setForced(pageId: string, until: number | null): Promise<void>;
  /** Forgets the page's counters (tests and operators starting over). */
  reset(pageId: string): Promise<void>;
  /** Drops buckets older than the bucket given (housekeeping). */
  prune(beforeBucket: number): Promise<number>;
}
