import { z } from "zod";
import { adminRoute } from "./admin-spec.ts";
import { strict, timeInput } from "./schemas.ts";

const tag = "forms";

/** The most leads one admin call may create; larger sets go through `leadgraph import`. */
export const MAX_ADMIN_LEADS = 10_000;

export const fieldDatum = z.object({ name: z.string(), values: z.array(z.string()) });
export const attributedLead = strict({
  ad_id: z
    .string()
    .regex(/^\d{1,20}$/, "must be an ad id string")
    .nullable()
    .optional(),
  platform: z.string().max(64).optional(),
  created_time: timeInput.optional().meta({ description: "Unix seconds or an ISO time; now when absent." }),
  field_data: z.array(fieldDatum),
  custom_disclaimer_responses: z
    .array(
      z.object({
        checkbox_key: z.string(),
        is_checked: z.union([z.string(), z.boolean(), z.number(), z.null()]).meta({ description: '"1" or "" (true/false accepted).' }),
      }),
    )
    .optional(),
  external_id: z.string().min(1).max(256).nullable().optional(),
});

/** A form's whole definition in Graph field names, plus the page's store locations. */
export const formDefinition = z.looseObject({
  id: z.string(),
  page_id: z.string(),
  name: z.string(),
  status: z.string(),
  locale: z.string(),
  created_time: z.string(),
  questions: z.array(z.looseObject({ key: z.string(), label: z.string(), type: z.string() })),
  tracking_parameters: z.array(z.object({ key: z.string(), value: z.string() })),
  block_display_for_non_targeted_viewer: z.boolean(),
  is_optimized_for_quality: z.boolean(),
  leads_count: z.number().int(),
  organic_leads_count: z.number().int(),
  page_locations: z.array(
    z.object({ store_number: z.string(), name: z.string(), street: z.string(), city: z.string(), zip: z.string(), country: z.string() }),
  ),
});

export const formsApi = {
  create: adminRoute({
    method: "POST",
    path: "/pages/:pageId/forms",
    tag,
    summary: "Create a form on a page without a token",
    description: "The body is what the Graph `POST /{page-id}/leadgen_forms` edge takes (docs/compatibility.md), in JSON.",
    params: z.object({ pageId: z.string() }),
    body: z.record(z.string(), z.unknown()),
    response: z.object({ id: z.string() }),
  }),
  get: adminRoute({
    method: "GET",
    path: "/forms/:formId",
    tag,
    summary: "A form's whole definition",
    params: z.object({ formId: z.string() }),
    response: formDefinition,
  }),
  createLeads: adminRoute({
    method: "POST",
    path: "/forms/:formId/leads",
    tag,
    summary: `Create up to ${MAX_ADMIN_LEADS} leads on a form, with or without an ad (webhooks fire)`,
    params: z.object({ formId: z.string() }),
    body: strict({
      leads: z
        .array(attributedLead)
        .min(1, "must hold at least one lead")
        .max(MAX_ADMIN_LEADS, {
          error: (issue) =>
            `can hold at most ${MAX_ADMIN_LEADS} leads per call - got ${Array.isArray(issue.input) ? issue.input.length : "more"}`,
        }),
    }),
    response: z.object({ ids: z.array(z.string()) }),
    bodyLimit: (limits) => limits.importBodyLimitBytes,
  }),
};
