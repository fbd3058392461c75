import { createServer, type Server, type ServerResponse } from "node:http";
import { handleWebhookRequest, type LeadgenChange, readRaw } from "../client/index.ts";
import { rowToLead } from "./lead-row.ts";
import { type ReadApiAccess, readApiAuthorized } from "./read-api-key.ts";
import { handleSyncErasure } from "./sync-erasure-http.ts";
import type { SyncStore } from "./storage/sync-store.ts";

/** Webhook counters, reported on /status. */
export interface WebhookStats {
  posts: number;
  changes: number;
  queued: number;
  duplicates: number;
  ignoredPages: number;
  rejected: number;
}

export interface SyncHttpOptions {
  store: SyncStore;
  webhook?: { path: string; appSecret: string; verifyToken: string; onQueued: () => void; pageIds: ReadonlySet<string> } | undefined;
  /** Who may use every route but the webhook and /healthz. */
  access: ReadApiAccess;
  /** False for a server that serves only the webhook route (and /healthz), on its own address. */
  readApi?: boolean;
  status: () => Promise<unknown>;
  stats: WebhookStats;
  /** Wall time a queued job is due at (the system's clock unless a test injects one). */
  nowMs?: () => number;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

const cursorOf = (t: number, id: string): string => Buffer.from(`${t}:${id}`).toString("base64url");
function parseCursor(c: string | null): { createdTime: number; id: string } | undefined {
  if (!c) return undefined;
  const m = /^(\d+):(\d+)$/.exec(Buffer.from(c, "base64url").toString());
  return m ? { createdTime: Number(m[1]), id: m[2]! } : undefined;
}

/**
 * The sync service's HTTP server: the webhook endpoint (answers 200 only once the notification is
 * committed to the queue) and the read API (`/leads`, `/leads/:id`, `/status`) behind its key. With
 * `--webhook-listen` the service runs two: one with the read API only, one with the webhook only.
 */
export function createSyncServer(o: SyncHttpOptions): Server {
  const onLeadgen = async (changes: LeadgenChange[]): Promise<void> => {
    const w = o.webhook!;
    o.stats.changes += changes.length;
    const ours = changes.filter((c) => w.pageIds.has(c.pageId));
    o.stats.ignoredPages += changes.length - ours.length;
    const added = await o.store.enqueue(
      ours.map((c) => ({ leadId: c.leadId, pageId: c.pageId, formId: c.formId, adId: c.adId })),
      (o.nowMs ?? Date.now)(),
    );
    o.stats.queued += added;
    o.stats.duplicates += ours.length - added;
    if (added > 0) w.onQueued();
  };
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const w = o.webhook;
      if (w && url.pathname === w.path) {
        const raw = req.method === "POST" ? await readRaw(req, 1 << 20) : new Uint8Array();
        if (!raw) return json(res, 413, { error: "body too large" });
        if (req.method === "POST") o.stats.posts += 1;
        const a = await handleWebhookRequest(
          { method: req.method ?? "GET", query: url.searchParams, headers: req.headers, rawBody: raw },
          { appSecret: w.appSecret, verifyToken: w.verifyToken, onLeadgen },
        );
        if (req.method === "POST" && (a.status === 401 || a.status === 403)) o.stats.rejected += 1;
        res.writeHead(a.status, { "content-type": a.contentType }).end(a.body);
        return;
      }
      if (url.pathname === "/healthz") return json(res, 200, { ok: true });
      if (o.readApi === false) return json(res, 404, { error: "not found" });
      if (await handleSyncErasure(req, res, url, o)) return;
      // Every route from here on needs the key, whatever its method.
      if (!readApiAuthorized(req, o.access)) return json(res, 401, { error: "missing or wrong bearer key" });
      if (req.method !== "GET") return json(res, 405, { error: "method not allowed" });
      if (url.pathname === "/status") return json(res, 200, await o.status());
      if (url.pathname === "/leads") {
        const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 100) || 100));
        const q: Parameters<SyncStore["listLeads"]>[0] = { limit: limit + 1 };
        const pageId = url.searchParams.get("page_id");
        const formId = url.searchParams.get("form_id");
        const after = parseCursor(url.searchParams.get("after"));
        if (pageId) q.pageId = pageId;
        if (formId) q.formId = formId;
        if (after) q.after = after;
        const rows = await o.store.listLeads(q);
        const page = rows.slice(0, limit);
        const body: { data: unknown[]; paging?: { cursors: { after: string }; next?: string } } = { data: page.map(rowToLead) };
        const last = page[page.length - 1];
        if (last) {
          const c = cursorOf(last.created_time, last.id);
          body.paging = { cursors: { after: c } };
          if (rows.length > limit) {
            const next = new URL(url);
            next.searchParams.set("after", c);
            body.paging.next = `${next.pathname}${next.search}`;
          }
        }
        return json(res, 200, body);
      }
      const m = /^\/leads\/(\d+)$/.exec(url.pathname);
      if (m) {
        const row = await o.store.getLead(m[1]!);
        return row ? json(res, 200, rowToLead(row)) : json(res, 404, { error: `no lead ${m[1]} stored` });
      }
      return json(res, 404, { error: "not found" });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
}
