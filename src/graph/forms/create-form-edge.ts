import { createForm, FORM_CREATE_PARAMS } from "../../domain/forms/create-form.ts";
import type { PageRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import { selectionFromParam } from "../../domain/fields.ts";
import { renderNode } from "../graph-node.ts";
import { formNode } from "../nodes/form-node.ts";
import { jsonParam, type Params } from "../params.ts";
import { definitionError } from "./definition-error.ts";

// Object-valued params arrive as real JSON (JSON bodies), as JSON text (urlencoded, multipart, the
// Python SDK) or already folded from `questions[0][type]=…` keys; all three read the same.
const JSON_PARAMS = new Set(["questions", "privacy_policy", "custom_disclaimer", "context_card", "thank_you_page", "tracking_parameters"]);

/** The definition part of a request's params; framework params (access_token, fields…) are left out. */
export function definitionFromParams(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of FORM_CREATE_PARAMS) {
    if (params[name] === undefined) continue;
    out[name] = JSON_PARAMS.has(name) ? jsonParam(params, name) : params[name];
  }
  return out;
}

/** `POST /{page-id}/leadgen_forms` → `{"id": "<form id>"}`, or the requested `fields` (read-after-write). */
export async function createLeadgenForm(ctx: GraphContext, page: PageRecord, params: Params): Promise<Record<string, unknown>> {
  await ctx.services.policy.assertCanAdvertiseOnPage(ctx.caller, page.id, page.id);
  const selection = selectionFromParam(params.fields);
  const result = await createForm(ctx.services, page.id, definitionFromParams(params));
  if (!result.ok) throw definitionError(result.issue);
  if (selection) return renderNode(ctx, formNode, result.form, result.form.id, selection);
  return { id: result.form.id };
}
