import type { KeysetPosition } from "../cursor.ts";

/**
 * A lead as the export reads it: only the columns a row needs, with the answers still the stored
 * JSON text. Skipping the other columns and the full LeadRecord mapping is most of what makes a
 * 1,000,000-lead export fast.
 */
export interface ExportLead {
  id: string;
  createdTime: number;
  adId: string | null;
  isOrganic: boolean;
  isTest: boolean;
  platform: string;
  /** What AccessPolicy.leadVisible looks at. */
  submitterUserId: string | null;
  createdByUserId: string | null;
  /** `[{"name":…,"values":[…]}]` as stored. */
  fieldData: string;
  /** `[{"checkbox_key":…,"is_checked":…}]` as stored. */
  disclaimerResponses: string;
}

/** One form's leads with created_time in [fromTime, beforeTime). */
export interface ExportRangeQuery {
  formId: string;
  fromTime: number;
  beforeTime: number;
}

/** The storage port the export reads through (src/storage/repositories/export-repository.ts). */
export interface LeadExportRepository {
  /** Up to `limit` leads newest first (created_time desc, id desc), strictly older than `olderThan`. */
  chunk(q: ExportRangeQuery & { olderThan?: KeysetPosition; limit: number }): Promise<ExportLead[]>;
  /** How many leads the range holds (an index-only count). */
  count(q: ExportRangeQuery): Promise<number>;
}
