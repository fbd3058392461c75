import type { IncomingMessage, ServerResponse } from "node:http";
import { readRaw } from "../client/index.ts";
import { PersonQueryError } from "../erasure/person-match.ts";
import { type ReadApiAccess, readApiAuthorized } from "./read-api-key.ts";
import type { SyncStore } from "./storage/sync-store.ts";
import { eraseSyncLead, eraseSyncPerson, findSyncPerson, renderSyncErasure, SYNC_NOT_RECALLED } from "./sync-erasure.ts";

function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  return true;
}

const text = (v: unknown, max: number): string | undefined => (typeof v === "string" && v.length > 0 && v.length <= max ? v : undefined);

/**
 * The sync service's erasure routes (docs/data-protection.md): `DELETE /leads/:id`,
 * `POST /erasures` (`{email?, phone?, country?, reference?, dry_run?}`) and `GET /erasures` (the
 * audit log). Answers true when the request was one of them.
 */
export async function handleSyncErasure(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  o: { store: SyncStore; access: ReadApiAccess },
): Promise<boolean> {
  const lead = /^\/leads\/(\d{1,20})$/.exec(url.pathname);
  const isErasures = url.pathname === "/erasures";
  if (!(req.method === "DELETE" && lead) && !isErasures) return false;
  // An open read API (--insecure-open) lets anyone read; it must not let anyone erase.
  if (o.access.open)
    return json(res, 403, {
      error: "erasure over HTTP needs the read API's key (start without --insecure-open); or run `leadgraph sync erase` on the database",
    });
  if (!readApiAuthorized(req, o.access)) return json(res, 401, { error: "missing or wrong bearer key" });
  if (lead) {
    const erasure = await eraseSyncLead(o.store, lead[1]!, { via: "api", reference: null });
    return erasure
      ? json(res, 200, { success: true, erasure, not_recalled: SYNC_NOT_RECALLED })
      : json(res, 404, { error: `no lead ${lead[1]} stored` });
  }
  if (req.method === "GET") {
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get("limit") ?? 25) || 25));
    return json(res, 200, { data: (await o.store.erasure.listAudit(limit)).map(renderSyncErasure) });
  }
  if (req.method !== "POST") return json(res, 405, { error: "method not allowed" });
  const raw = await readRaw(req, 16 * 1024);
  if (!raw) return json(res, 413, { error: "body too large" });
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw).toString("utf8") || "{}");
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Record<string, unknown>;
  } catch {
    return json(res, 400, { error: 'the body must be a JSON object such as {"email":"jane@example.com"}' });
  }
  const q = { email: text(body.email, 320), phone: text(body.phone, 64), country: text(body.country, 8) };
  const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
  try {
    if (body.dry_run === true) {
      const found = await findSyncPerson(o.store, query);
      return json(res, 200, {
        dry_run: true,
        leads_matched: found.leadIds.length,
        lead_ids: found.leadIds,
        matched_by: found.matchedBy.join(",") || null,
      });
    }
    const erasure = await eraseSyncPerson(o.store, query, { via: "api", reference: text(body.reference, 200) ?? null });
    return json(res, 200, { success: true, erasure, not_recalled: SYNC_NOT_RECALLED });
  } catch (e) {
    if (e instanceof PersonQueryError) return json(res, 400, { error: e.message });
    throw e;
  }
}
