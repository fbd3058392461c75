import { createForm } from "../domain/forms/create-form.ts";
import { errors } from "../domain/errors.ts";
import type { NewLead } from "../domain/leads/lead-intake.ts";
import type { DisclaimerResponse } from "../domain/model.ts";
import { parseUserTime, USER_TIME_FORMATS } from "../domain/time.ts";
import { definitionFromParams } from "../graph/forms/create-form-edge.ts";
import { definitionError } from "../graph/forms/definition-error.ts";
import type { HttpModule } from "../http-kit/index.ts";
import type { z } from "zod";
import { adminRoutes } from "./admin-kit.ts";
import { formDocument } from "./form-document.ts";
import { type attributedLead, type formDefinition, formsApi } from "./forms-api.ts";

/** An admin lead as intake input; the intake checks the answers against the form. */
function newLead(formId: string, l: z.output<typeof attributedLead>, i: number): NewLead {
  const lead: NewLead = { formId, fieldData: l.field_data };
  if (l.ad_id !== undefined && l.ad_id !== null) lead.adId = l.ad_id;
  if (l.platform !== undefined) lead.platform = l.platform;
  if (l.created_time !== undefined) {
    const t = parseUserTime(l.created_time);
    if (t === undefined)
      throw errors.invalidParam(`Param leads[${i}][created_time] must be ${USER_TIME_FORMATS} - got ${JSON.stringify(l.created_time)}`);
    lead.createdTime = t;
  }
  // The intake reads is_checked leniently (true, 1, "1") and reports its own errors.
  if (l.custom_disclaimer_responses !== undefined) lead.customDisclaimerResponses = l.custom_disclaimer_responses as DisclaimerResponse[];
  if (l.external_id !== undefined && l.external_id !== null) lead.externalId = l.external_id;
  return lead;
}

/**
 * Admin API for forms and attributed leads: create forms without a token (console, CLI), read a
 * form's whole definition, and create up to 10,000 leads per call, with or without an ad.
 */
export const adminFormsRoutes: HttpModule = async (app, runtime, links) => {
  const { services } = runtime;
  const add = adminRoutes(app, runtime, links);

  add(formsApi.create, async ({ params, body }) => {
    if (!(await services.store.directory.getPage(params.pageId))) throw errors.unknownObject(params.pageId, "post");
    const result = await createForm(services, params.pageId, definitionFromParams(body));
    if (!result.ok) throw definitionError(result.issue);
    return { id: result.form.id };
  });

  add(formsApi.get, async ({ params }) => {
    const form = await services.store.forms.get(params.formId);
    if (!form) throw errors.unknownObject(params.formId);
    // formDocument builds the optional parts key by key; the schema states its shape.
    return formDocument(form, await services.store.directory.locations(form.pageId)) as z.input<typeof formDefinition>;
  });

  // The largest body the server takes: the spec's bodyLimit has the admin key checked before a byte of it is read.
  add(formsApi.createLeads, async ({ params, body }) => {
    const form = await services.store.forms.get(params.formId);
    if (!form) throw errors.unknownObject(params.formId, "post");
    const ids = await services.intake.create(
      body.leads.map((l, i) => newLead(params.formId, l, i)),
      { source: "admin", fireWebhooks: true },
    );
    return { ids };
  });
};
