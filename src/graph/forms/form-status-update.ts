import { errors } from "../../domain/errors.ts";
import type { FormRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import { type Params, stringParam } from "../params.ts";

const SETTABLE = ["ACTIVE", "ARCHIVED"] as const;

/**
 * `POST /{form-id}` with `status=ARCHIVED|ACTIVE` → `{"success":true}`. An archived form keeps its
 * leads readable and accepts no new ones (LeadIntake refuses them).
 */
export async function updateFormStatus(ctx: GraphContext, form: FormRecord, params: Params): Promise<{ success: true }> {
  await ctx.services.policy.assertCanAdvertiseOnPage(ctx.caller, form.pageId, form.id);
  const status = stringParam(params, "status");
  if (status === undefined || status === "") throw errors.paramRequired("status");
  const upper = status.toUpperCase();
  if (!(SETTABLE as readonly string[]).includes(upper)) throw errors.paramEnum("status", SETTABLE, status);
  await ctx.services.store.forms.setStatus(form.id, upper as FormRecord["status"]);
  return { success: true };
}
