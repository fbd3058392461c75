import { errors } from "../../domain/errors.ts";
import type { LeadRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";

/** `DELETE /{lead-id}`: only the app and user that created a test lead may delete it. */
export async function deleteOwnLead(ctx: GraphContext, lead: LeadRecord): Promise<{ success: true }> {
  const own =
    lead.isTest && lead.createdByAppId === ctx.caller.app.id && lead.createdByUserId !== null && lead.createdByUserId === ctx.caller.userId;
  if (!own) throw errors.unknownObject(lead.id, "delete");
  await ctx.services.store.transaction((tx) => tx.leads.delete(lead.id));
  return { success: true };
}
