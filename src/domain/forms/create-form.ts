import { nowSeconds } from "../clock.ts";
import type { FormRecord } from "../model.ts";
import type { Services } from "../services.ts";
import { buildFormDefinition, type DefinitionIssue } from "./form-definition.ts";

/** The parameters of `POST /{page-id}/leadgen_forms` (spec §3.4) the definition is built from. */
export const FORM_CREATE_PARAMS = [
  "name",
  "questions",
  "privacy_policy",
  "custom_disclaimer",
  "context_card",
  "thank_you_page",
  "locale",
  "tracking_parameters",
  "block_display_for_non_targeted_viewer",
  "is_optimized_for_quality",
  "question_page_custom_headline",
  "follow_up_action_url",
  "is_for_canvas",
  "is_phone_sms_verify_enabled",
  "should_enforce_work_email",
  "allow_organic_lead_retrieval",
] as const;

export type CreateFormResult = { ok: true; form: FormRecord } | { ok: false; issue: DefinitionIssue };

/**
 * Validates a definition against the page (store locations) and stores a new ACTIVE form. Shared by
 * the Graph endpoint and the admin API so both accept and reject exactly the same definitions.
 */
export async function createForm(services: Services, pageId: string, definition: Record<string, unknown>): Promise<CreateFormResult> {
  const hasLocations = (await services.store.directory.locations(pageId)).length > 0;
  const def = buildFormDefinition(definition, services.ids, { pageHasLocations: hasLocations });
  if (!def.ok) return def;
  const form: FormRecord = {
    id: services.ids.next(),
    pageId,
    name: def.name,
    status: "ACTIVE",
    locale: def.locale,
    createdTime: nowSeconds(services.clock),
    spec: def.spec,
    leadsCount: 0,
    organicLeadsCount: 0,
  };
  await services.store.forms.upsert(form);
  return { ok: true, form };
}
