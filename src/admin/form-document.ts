import type { FormRecord, PageLocation } from "../domain/model.ts";
import { formatGraphTime } from "../domain/time.ts";
import { legalContentOf, questionsOf } from "../graph/nodes/form-node.ts";

/**
 * A form's whole definition in Graph field names, plus the page's store locations, so tools
 * (`leadgraph trigger lead`, the console) can generate valid answers without a Graph token.
 */
export function formDocument(form: FormRecord, locations: readonly PageLocation[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: form.id,
    page_id: form.pageId,
    name: form.name,
    status: form.status,
    locale: form.locale,
    created_time: formatGraphTime(form.createdTime),
    questions: questionsOf(form),
    tracking_parameters: Object.entries(form.spec.trackingParameters).map(([key, value]) => ({ key, value })),
    block_display_for_non_targeted_viewer: form.spec.blockDisplayForNonTargetedViewer,
    is_optimized_for_quality: form.spec.isOptimizedForQuality,
    leads_count: form.leadsCount,
    organic_leads_count: form.organicLeadsCount,
  };
  const legal = legalContentOf(form);
  if (legal) out.legal_content = legal;
  if (form.spec.privacyPolicy) out.privacy_policy_url = form.spec.privacyPolicy.url;
  if (form.spec.contextCard) out.context_card = form.spec.contextCard;
  if (form.spec.thankYouPage) out.thank_you_page = form.spec.thankYouPage;
  if (form.spec.questionPageCustomHeadline !== undefined) out.question_page_custom_headline = form.spec.questionPageCustomHeadline;
  if (form.spec.followUpActionUrl !== undefined) out.follow_up_action_url = form.spec.followUpActionUrl;
  out.page_locations = locations.map((l) => ({
    store_number: l.storeNumber,
    name: l.name,
    street: l.street,
    city: l.city,
    zip: l.zip,
    country: l.country,
  }));
  return out;
}
