/** One minute of one page's lead reads. */
export interface UsageBucket {
  bucket: number;
  calls: number;
}

/** What the meter may do while it holds a page's lock (one database transaction). */
export interface PageUsageTx {
  /** Until when the page is forced into the limited state (unix seconds), or null. */
  readonly forcedUntil: number | null;
  /** Calls in buckets >= fromBucket. */
  used(fromBucket: number): Promise<number>;
  buckets(fromBucket: number): Promise<UsageBucket[]>;
  /** Leads created for the page with created_time in [from, to]. */
  countLeads(from: number, to: number): Promise<number>;
  add(bucket: number, calls: number): Promise<void>;
}

export interface PageUsageSummary {
  pageId: string;
  used: number;
  forcedUntil: number | null;
}

/**
 * Storage of the lead rate limit's counters, shared by every instance on one database. The
 * domain decides; storage guarantees that decisions for one page are serialised.
 */
export interface LeadUsageStore {
  /** Runs fn holding the page's lock, so the check and the increment are one atomic step. */
  withPage<T>(pageId: string, fn: (tx: PageUsageTx) => Promise<T>): Promise<T>;
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
