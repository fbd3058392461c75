import type { FastifyReply, FastifyRequest } from "fastify";
import { createForm } from "../domain/forms/create-form.ts";
import { errors, isGraphError } from "../domain/errors.ts";
import type { NewLead } from "../domain/leads/lead-intake.ts";
import type { DisclaimerResponse, FieldDatum } from "../domain/model.ts";
import { parseUserTime, USER_TIME_FORMATS } from "../domain/time.ts";
import { errorBody } from "../graph/execute.ts";
import { definitionFromParams } from "../graph/forms/create-form-edge.ts";
import { definitionError } from "../graph/forms/definition-error.ts";
import { graphHeaders, sendGraph } from "../graph/http-route.ts";
import { type HttpModule, requireAdminKey } from "../http-kit/index.ts";
import { formDocument } from "./form-document.ts";

/** The most leads one admin call may create; larger sets go through `leadgraph import`. */
export const MAX_ADMIN_LEADS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads `{"leads":[…]}` into intake inputs; shape errors name the offending path. */
export function leadsFromBody(formId: string, body: unknown): NewLead[] {
  if (!isObject(body) || body.leads === undefined) throw errors.paramRequired("leads");
  if (!Array.isArray(body.leads)) throw errors.invalidParam("Param leads must be an array");
  if (body.leads.length === 0) throw errors.invalidParam("Param leads must hold at least one lead");
  if (body.leads.length > MAX_ADMIN_LEADS) {
    throw errors.invalidParam(`Param leads can hold at most ${MAX_ADMIN_LEADS} leads per call - got ${body.leads.length}`);
  }
  return body.leads.map((l: unknown, i: number): NewLead => {
    const at = `leads[${i}]`;
    if (!isObject(l)) throw errors.invalidParam(`Param ${at} must be an object`);
    const extra = Object.keys(l).filter((k) => !["ad_id", "platform", "created_time", "field_data", "custom_disclaimer_responses", "external_id"].includes(k));
    if (extra.length > 0) throw errors.invalidKeys(extra, at);
    if (l.field_data === undefined) throw errors.paramRequired(`${at}[field_data]`);
    const lead: NewLead = { formId, fieldData: l.field_data as FieldDatum[] };
    if (l.ad_id !== undefined && l.ad_id !== null) {
      if (typeof l.ad_id !== "string" || !/^\d+$/.test(l.ad_id)) throw errors.invalidParam(`Param ${at}[ad_id] must be an ad id string`);
      lead.adId = l.ad_id;
    }
    if (l.platform !== undefined) {
      if (typeof l.platform !== "string") throw errors.invalidParam(`Param ${at}[platform] must be a string`);
      lead.platform = l.platform;
    }
    if (l.created_time !== undefined) {
      const t = parseUserTime(l.created_time);
      if (t === undefined) throw errors.invalidParam(`Param ${at}[created_time] must be ${USER_TIME_FORMATS} - got ${JSON.stringify(l.created_time)}`);
      lead.createdTime = t;
    }
    if (l.custom_disclaimer_responses !== undefined) lead.customDisclaimerResponses = l.custom_disclaimer_responses as DisclaimerResponse[];
    if (l.external_id !== undefined && l.external_id !== null) {
      if (typeof l.external_id !== "string" || l.external_id === "") throw errors.invalidParam(`Param ${at}[external_id] must be a non-empty string`);
      lead.externalId = l.external_id;
    }
    return lead;
  });
}

function fail(reply: FastifyReply, e: unknown): FastifyReply {
  const err = isGraphError(e) ? e : errors.unknown(e);
  if (err.status >= 500) reply.request.log.error({ err: e }, "admin forms route failed");
  return sendGraph(reply, err.status, errorBody(err), {});
}

/**
 * Admin API for forms and attributed leads: create forms without a token (console, CLI), read a
 * form's whole definition, and create up to 10,000 leads per call, with or without an ad.
 */
export const adminFormsRoutes: HttpModule = async (app, runtime) => {
  const { services } = runtime;
  const preHandler = requireAdminKey(runtime.adminKey);
  const json = (reply: FastifyReply) => graphHeaders(reply, runtime.config.graphVersion);

  app.post("/_leadgraph/admin/pages/:pageId/forms", { preHandler }, async (req: FastifyRequest, reply) => {
    json(reply);
    try {
      const { pageId } = req.params as { pageId: string };
      if (!(await services.store.directory.getPage(pageId))) throw errors.unknownObject(pageId, "post");
      const body = isObject(req.body) ? req.body : {};
      const result = await createForm(services, pageId, definitionFromParams(body));
      if (!result.ok) throw definitionError(result.issue);
      return sendGraph(reply, 200, { id: result.form.id }, {});
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.get("/_leadgraph/admin/forms/:formId", { preHandler }, async (req, reply) => {
    json(reply);
    try {
      const { formId } = req.params as { formId: string };
      const form = await services.store.forms.get(formId);
      if (!form) throw errors.unknownObject(formId);
      return sendGraph(reply, 200, formDocument(form, await services.store.directory.locations(form.pageId)), {});
    } catch (e) {
      return fail(reply, e);
    }
  });

  // The largest body the server takes: the admin key is checked before a byte of it is read.
  app.post("/_leadgraph/admin/forms/:formId/leads", { onRequest: preHandler, bodyLimit: runtime.config.importBodyLimitBytes }, async (req, reply) => {
    json(reply);
    try {
      const { formId } = req.params as { formId: string };
      const form = await services.store.forms.get(formId);
      if (!form) throw errors.unknownObject(formId, "post");
      const ids = await services.intake.create(leadsFromBody(formId, req.body), { source: "admin", fireWebhooks: true });
      return sendGraph(reply, 200, { ids }, {});
    } catch (e) {
      return fail(reply, e);
    }
  });
};
