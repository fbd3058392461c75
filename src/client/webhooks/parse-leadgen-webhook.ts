import type { LeadgenChangeValue } from "../../contract/index.ts";

/** One lead announced by a webhook, with the page entry it came in. */
export interface LeadgenChange {
  leadId: string;
  pageId: string;
  formId: string;
  adId?: string;
  /** Unix seconds the lead was created. */
  createdTime: number;
  /** Unix seconds the entry was sent (entry.time). */
  entryTime: number;
}

/** Thrown for bodies that are not a page webhook at all. */
export class WebhookBodyError extends Error {
  override name = "WebhookBodyError";
}

const idOf = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" && Number.isFinite(v) && v !== 0 ? String(v) : undefined;

/**
 * Extracts the `leadgen` changes of a webhook body (raw bytes, text or parsed JSON). Other fields
 * of the page object are skipped. Ids may arrive as strings or numbers (dashboard samples differ);
 * numeric ids beyond 2^53 lose precision in any JSON parser, so send raw bytes to keep them exact.
 */
export function parseLeadgenWebhook(body: unknown): LeadgenChange[] {
  let value: unknown = body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
    // Quote long numeric ids before parsing so 20-digit ids survive.
    const safe = text.replace(/("(?:leadgen_id|page_id|form_id|ad_id|adgroup_id|id)"\s*:\s*)(\d{16,})/g, '$1"$2"');
    try {
      value = JSON.parse(safe);
    } catch {
      throw new WebhookBodyError("webhook body is not JSON");
    }
  }
  const root = value as { object?: unknown; entry?: unknown };
  if (!root || typeof root !== "object" || !Array.isArray(root.entry)) throw new WebhookBodyError("webhook body has no entry array");
  if (root.object !== "page") return [];
  const out: LeadgenChange[] = [];
  for (const entry of root.entry as { id?: unknown; time?: unknown; changes?: unknown }[]) {
    if (!entry || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes as { field?: unknown; value?: Partial<Record<keyof LeadgenChangeValue, unknown>> }[]) {
      if (change?.field !== "leadgen" || !change.value) continue;
      const v = change.value;
      const leadId = idOf(v.leadgen_id);
      const pageId = idOf(v.page_id) ?? idOf(entry.id);
      const formId = idOf(v.form_id);
      if (!leadId || !pageId || !formId) continue;
      const c: LeadgenChange = { leadId, pageId, formId, createdTime: Number(v.created_time) || 0, entryTime: Number(entry.time) || 0 };
      const adId = idOf(v.ad_id) ?? idOf(v.adgroup_id);
      if (adId) c.adId = adId;
      out.push(c);
    }
  }
  return out;
}
