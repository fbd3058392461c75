import type { FieldDatum, FormRecord } from "../model.ts";
import { STORE_TYPES } from "./question-types.ts";

const EMAIL_TYPES = new Set(["EMAIL", "WORK_EMAIL"]);

/**
 * What Meta fills a test lead with when no field_data is given: `<test lead: dummy data for KEY>`
 * for text, `test@meta.com` for e-mail, the first option key for choices and the first store
 * number for store locators (so the lead still passes the form's own validation).
 */
export function dummyAnswers(form: FormRecord, storeNumbers: readonly string[]): FieldDatum[] {
  return form.spec.questions.map((q) => {
    if (EMAIL_TYPES.has(q.type)) return { name: q.key, values: ["test@meta.com"] };
    if (q.options && q.options.length > 0) return { name: q.key, values: [q.options[0]!.key] };
    if (q.conditional_questions_choices && q.conditional_questions_choices.length > 0) {
      return { name: q.key, values: [q.conditional_questions_choices[0]!.value] };
    }
    if (STORE_TYPES.includes(q.type) && storeNumbers.length > 0) return { name: q.key, values: [storeNumbers[0]!] };
    return { name: q.key, values: [`<test lead: dummy data for ${q.key}>`] };
  });
}
