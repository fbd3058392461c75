import { z } from "zod";
import { adminRoute, listOf, pageQuery } from "./admin-spec.ts";
import { strict } from "./schemas.ts";

const tag = "erasure";

export const erasure = z.object({
  id: z.string(),
  time: z.string().nullable(),
  kind: z.enum(["lead", "person", "retention"]),
  matched_by: z.string().nullable(),
  /** Keyed hashes of the identifiers asked for, never the identifiers. */
  identifier_hashes: z.array(z.string()),
  actor: z.string(),
  via: z.enum(["api", "console", "cli", "schedule"]),
  reference: z.string().nullable(),
  leads_erased: z.number().int(),
  lead_ids: z.array(z.string()),
  form_ids: z.array(z.string()),
  page_ids: z.array(z.string()),
  deliveries_cancelled: z.number().int(),
  already_delivered: z.number().int(),
  detail: z.string().nullable(),
});
export const erasureAnswer = z.object({ success: z.boolean(), erasure, not_recalled: z.string() });
export const erasurePreview = z.object({
  dry_run: z.literal(true),
  leads_matched: z.number().int(),
  lead_ids: z.array(z.string()),
  matched_by: z.string().nullable(),
  form_ids: z.array(z.string()),
  page_ids: z.array(z.string()),
});

export const personInput = strict({
  email: z.string().min(1).max(320).optional(),
  phone: z.string().min(1).max(64).optional(),
  country: z.string().max(8).optional(),
  /** The operator's own reference (a ticket number); stored in the audit log, so no personal data. */
  reference: z
    .string()
    .max(200)
    .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
    .optional(),
  /** Answers which leads would be erased, and erases nothing (the console's confirmation step). */
  dry_run: z.boolean().optional(),
});

export const erasureApi = {
  eraseLead: adminRoute({
    method: "DELETE",
    path: "/leads/:id",
    tag,
    summary: "Erase one lead",
    params: z.object({ id: z.string() }),
    response: erasureAnswer,
  }),
  erasePerson: adminRoute({
    method: "POST",
    path: "/erasures",
    tag,
    summary: "Erase every lead whose answers hold a person's email or phone (or, with dry_run, list them)",
    body: personInput,
    response: z.union([erasureAnswer, erasurePreview]),
  }),
  audit: adminRoute({
    method: "GET",
    path: "/erasures",
    tag,
    summary: "The erasure audit log, newest first",
    query: pageQuery,
    response: listOf(erasure),
  }),
  get: adminRoute({
    method: "GET",
    path: "/erasures/:id",
    tag,
    summary: "One erasure of the audit log",
    params: z.object({ id: z.string() }),
    response: erasure,
  }),
};
