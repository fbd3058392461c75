import { errors } from "../../domain/errors.ts";
import type { FormRecord } from "../../domain/model.ts";
import { retentionFloor } from "../../domain/retention.ts";
import { formatGraphTime } from "../../domain/time.ts";
import type { GraphContext } from "../context.ts";
import { leadsEdgeOf } from "../edges/leads-edge.ts";
import { formTestLeadsEdge } from "../edges/form-test-leads-edge.ts";
import { updateFormStatus } from "../forms/form-status-update.ts";
import type { GraphEdge, GraphNode } from "../graph-node.ts";
import type { ObjectShape } from "../selection.ts";

/** Renders questions as Graph reads them back (key, label, type, id, then optional parts). */
export function questionsOf(form: FormRecord): Record<string, unknown>[] {
  return form.spec.questions.map((q) => {
    const out: Record<string, unknown> = { key: q.key, label: q.label, type: q.type };
    if (q.options) out.options = q.options.map((o) => ({ key: o.key, value: o.value }));
    if (q.inline_context !== undefined) out.inline_context = q.inline_context;
    if (q.conditional_questions_group_id !== undefined) out.conditional_questions_group_id = q.conditional_questions_group_id;
    if (q.conditional_questions_choices !== undefined) out.conditional_questions_choices = q.conditional_questions_choices;
    if (q.dependent_conditional_questions !== undefined) out.dependent_conditional_questions = q.dependent_conditional_questions;
    out.id = q.id;
    return out;
  });
}

export function legalContentOf(form: FormRecord): Record<string, unknown> | undefined {
  const { privacyPolicy, customDisclaimer } = form.spec;
  if (!privacyPolicy && !customDisclaimer) return undefined;
  const out: Record<string, unknown> = {};
  if (privacyPolicy) out.privacy_policy = privacyPolicy;
  if (customDisclaimer) out.custom_disclaimer = customDisclaimer;
  out.id = customDisclaimer?.id ?? form.id;
  return out;
}

export const formShape: ObjectShape<FormRecord> = {
  typeName: "LeadgenForm",
  defaultFields: ["id", "locale", "name", "status"],
  fields: {
    id: (_c, f) => f.id,
    name: (_c, f) => f.name,
    status: (_c, f) => f.status,
    locale: (_c, f) => f.locale,
    created_time: (_c, f) => formatGraphTime(f.createdTime),
    questions: (_c, f) => questionsOf(f),
    leads_count: (_c, f) => f.leadsCount,
    organic_leads_count: (_c, f) => f.organicLeadsCount,
    expired_leads_count: (ctx, f) => ctx.services.store.leads.count({ formId: f.id, beforeTime: retentionFloor(ctx.nowSeconds()) }),
    page: async (ctx, f) => {
      const page = await ctx.services.store.directory.getPage(f.pageId);
      return page && { name: page.name, id: page.id };
    },
    page_id: (_c, f) => f.pageId,
    privacy_policy_url: (_c, f) => f.spec.privacyPolicy?.url,
    follow_up_action_url: (_c, f) => f.spec.followUpActionUrl,
    thank_you_page: (_c, f) => f.spec.thankYouPage,
    context_card: (_c, f) => f.spec.contextCard,
    legal_content: (_c, f) => legalContentOf(f),
    tracking_parameters: (_c, f) => Object.entries(f.spec.trackingParameters).map(([key, value]) => ({ key, value })),
    block_display_for_non_targeted_viewer: (_c, f) => f.spec.blockDisplayForNonTargetedViewer,
    is_optimized_for_quality: (_c, f) => f.spec.isOptimizedForQuality,
    allow_organic_lead: () => true,
    question_page_custom_headline: (_c, f) => f.spec.questionPageCustomHeadline,
  },
};

export async function loadVisibleForm(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<FormRecord> {
  const form = await ctx.services.store.forms.get(id);
  if (!form || form.status === "DELETED") throw errors.unknownObject(id, method);
  await ctx.services.policy.assertCanSeePage(ctx.caller, form.pageId, id);
  return form;
}

/** Edges other issues hang on forms (test_leads…) register here. */
export const formEdges: Record<string, GraphEdge<FormRecord>> = {
  leads: leadsEdgeOf((f: FormRecord) => ({ id: f.id, pageId: f.pageId, column: "formId" })),
  test_leads: formTestLeadsEdge,
};

export const formNode: GraphNode<FormRecord> = {
  kind: "form",
  shape: formShape,
  load: loadVisibleForm,
  edges: formEdges,
  update: updateFormStatus,
};
