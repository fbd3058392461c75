import { createHash } from "node:crypto";
import type { z } from "zod";
import type { ErasureAuditRecord, ErasureVia } from "../domain/erasure/erasure-repository.ts";
import { accessErrors } from "../domain/errors.ts";
import { eraseLead, erasePerson, findPerson, type ErasureRequester } from "../erasure/erase-leads.ts";
import { type PersonQuery, PersonQueryError } from "../erasure/person-match.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, decodeCursor, graphTime, need, pageFrom } from "./admin-kit.ts";
import type { AdminCall, AdminRouteSpec } from "./admin-spec.ts";
import { erasureApi, type personInput } from "./erasure-api.ts";
import { numericId } from "./schemas.ts";

/** Said with every erasure: what erasing here cannot undo. */
export const NOT_RECALLED =
  "Leads already delivered by webhook, fetched through the Graph API or exported are not recalled: whoever received them keeps their copy. Backups keep erased leads until they expire.";

const VIA: readonly ErasureVia[] = ["console", "cli"];

/**
 * Who is asking: the admin key (by a fingerprint: the audit log names which key, never the key)
 * and the surface it came through (`X-Leadgraph-Client: console|cli`, else the API itself).
 */
function requesterOf(req: AdminCall<AdminRouteSpec>, adminKey: string, reference: string | null): ErasureRequester {
  const client = String(req.headers["x-leadgraph-client"] ?? "");
  const via = VIA.find((v) => v === client) ?? "api";
  const fingerprint = createHash("sha256").update(adminKey).digest("hex").slice(0, 12);
  return { actor: `admin key ${fingerprint}`, via, reference };
}

export function renderErasure(a: ErasureAuditRecord) {
  return {
    id: a.id,
    time: graphTime(Math.floor(a.atMs / 1000)),
    kind: a.kind,
    matched_by: a.matchedBy,
    identifier_hashes: a.identifierHashes,
    actor: a.actor,
    via: a.via,
    reference: a.reference,
    leads_erased: a.leadCount,
    lead_ids: a.leadIds,
    form_ids: a.formIds,
    page_ids: a.pageIds,
    deliveries_cancelled: a.deliveriesCancelled,
    already_delivered: a.alreadyDelivered,
    detail: a.detail,
  };
}

const personQuery = (b: z.infer<typeof personInput>): PersonQuery => ({
  ...(b.email !== undefined ? { email: b.email } : {}),
  ...(b.phone !== undefined ? { phone: b.phone } : {}),
  ...(b.country !== undefined ? { country: b.country } : {}),
});

/** PersonQueryError as the admin API's `(#100) Param …` answer. */
async function asParamError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PersonQueryError) throw accessErrors.adminInvalid(e.field, e.detail);
    throw e;
  }
}

/**
 * Erasure (docs/data-protection.md): one lead by id, or a person (every lead whose answers hold
 * their email or phone number, across forms and pages), and the read-only audit log of erasures.
 */
export const erasureRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;

  add(erasureApi.eraseLead, async (req) => {
    const id = req.params.id;
    if (!numericId.safeParse(id).success) throw accessErrors.adminNotFound("lead", id.slice(0, 40));
    const audit = need(await eraseLead(services, id, requesterOf(req, runtime.adminKey, null)), "lead", id);
    return { success: true, erasure: renderErasure(audit), not_recalled: NOT_RECALLED };
  });

  add(erasureApi.erasePerson, async (req) => {
    const b = req.body;
    const q = personQuery(b);
    if (b.dry_run) {
      const found = await asParamError(() => findPerson(services, q));
      const leads = await services.store.leads.getMany(found.leadIds);
      return {
        dry_run: true as const,
        leads_matched: found.leadIds.length,
        lead_ids: found.leadIds,
        matched_by: found.matchedBy.join(",") || null,
        form_ids: [...new Set(leads.map((l) => l.formId))].sort(),
        page_ids: [...new Set(leads.map((l) => l.pageId))].sort(),
      };
    }
    const audit = await asParamError(() => erasePerson(services, q, requesterOf(req, runtime.adminKey, b.reference ?? null)));
    return { success: true, erasure: renderErasure(audit), not_recalled: NOT_RECALLED };
  });

  add(erasureApi.audit, async (call) => {
    const before = call.query.after ? decodeCursor(call.query.after) : undefined;
    const rows = await services.store.erasure.listAudit({
      ...(before !== undefined ? { beforeId: before } : {}),
      limit: call.query.limit + 1,
    });
    return pageFrom(rows, (a) => a.id, call, renderErasure);
  });

  add(erasureApi.get, async ({ params }) => renderErasure(need(await services.store.erasure.getAudit(params.id), "erasure", params.id)));
};
