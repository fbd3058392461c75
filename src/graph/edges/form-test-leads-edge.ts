import { dummyAnswers } from "../../domain/forms/dummy-answers.ts";
import { STORE_TYPES } from "../../domain/forms/question-types.ts";
import { errors } from "../../domain/errors.ts";
import type { DisclaimerResponse, FieldDatum, FormRecord } from "../../domain/model.ts";
import type { GraphEdge } from "../graph-node.ts";
import { renderNodes, validateSelection } from "../graph-node.ts";
import { leadNode, prepareLeads } from "../nodes/lead-node.ts";
import { jsonParam, type Params } from "../params.ts";

/**
 * The one test lead a form may have at a time also carries this external id: the unique
 * (form_id, external_id) index turns two racing creations into one lead and one error.
 */
export const TEST_LEAD_EXTERNAL_ID = "leadgraph:test-lead";

function listOf<T>(params: Params, name: string): T[] | undefined {
  const v = jsonParam(params, name);
  if (v === undefined || v === null || v === "") return undefined;
  if (!Array.isArray(v)) throw errors.invalidParam(`Param ${name} must be a JSON array`);
  return v as T[];
}

/** `GET|POST /{form-id}/test_leads` (spec §4). */
export const formTestLeadsEdge: GraphEdge<FormRecord> = {
  async read(ctx, form, req) {
    validateSelection(leadNode, req.selection);
    await ctx.services.policy.assertCanReadLeads(ctx.caller, form.pageId, form.id);
    const leads = await ctx.services.policy.visibleLeads(ctx.caller, await ctx.services.store.leads.testLeadsOf(form.id));
    const views = await prepareLeads(ctx, leads);
    return { data: await renderNodes(ctx, leadNode, views, (v) => v.lead.id, req.selection) };
  },
  async create(ctx, form, params) {
    await ctx.services.policy.assertCanAdvertiseOnPage(ctx.caller, form.pageId, form.id);
    const given = listOf<FieldDatum>(params, "field_data");
    const disclaimers = listOf<DisclaimerResponse>(params, "custom_disclaimer_responses");
    if ((await ctx.services.store.leads.testLeadsOf(form.id)).length > 0) throw errors.testLeadExists();
    // Dummy answers need the page's store numbers only for a store question left unanswered.
    const stores =
      given || !form.spec.questions.some((q) => STORE_TYPES.includes(q.type))
        ? []
        : (await ctx.services.store.directory.locations(form.pageId)).map((l) => l.storeNumber);
    try {
      const [id] = await ctx.services.intake.create(
        [
          {
            formId: form.id,
            platform: "fb",
            isTest: true,
            externalId: TEST_LEAD_EXTERNAL_ID,
            fieldData: given ?? dummyAnswers(form, stores),
            ...(disclaimers ? { customDisclaimerResponses: disclaimers } : {}),
          },
        ],
        {
          source: "test",
          fireWebhooks: true,
          createdByAppId: ctx.caller.app.id,
          createdByUserId: ctx.caller.userId,
        },
        "test_lead",
      );
      return { id: id! };
    } catch (e) {
      if ((await ctx.services.store.leads.testLeadsOf(form.id)).length > 0) throw errors.testLeadExists();
      throw e;
    }
  },
};
