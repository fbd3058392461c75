import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { NATIONAL_ID_TYPES, STORE_TYPES } from "../domain/forms/question-types.ts";
import type { ConditionalChoice, DisclaimerResponse, FieldDatum, PageLocation, Question } from "../domain/model.ts";
import type { FormDefinition } from "../domain/ports.ts";
import { validNationalId } from "./national-ids.ts";
import { type FormStrings, phoneRegion } from "./strings.ts";

export const EMAIL_TYPES = new Set(["EMAIL", "WORK_EMAIL"]);
export const PHONE_TYPES = new Set(["PHONE", "WORK_PHONE_NUMBER"]);
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;
const MAX_ANSWER = 1000;

/** Form field names: question keys may hold any character, so they are namespaced, not mangled. */
export const answerField = (key: string) => `answer:${key}`;
export const checkboxField = (key: string) => `checkbox:${key}`;
/** Element ids safe for `for=`/`aria-describedby` whatever the key holds. */
export const fieldId = (prefix: string, index: number) => `${prefix}-${index}`;

export interface Answers {
  values: Map<string, string>;
  checked: Set<string>;
}

export interface CheckedAnswers extends Answers {
  /** question key or `checkbox:<key>` → message */
  errors: Map<string, string>;
  fieldData: FieldDatum[];
  disclaimers: DisclaimerResponse[];
}

type Body = Record<string, unknown>;

const first = (v: unknown): string => (Array.isArray(v) ? String(v[v.length - 1] ?? "") : typeof v === "string" ? v : "");

/** Reads the posted answers (or, on first display, nothing and the default-checked boxes). */
export function readAnswers(form: FormDefinition, body: Body | undefined): Answers {
  const values = new Map<string, string>();
  const checked = new Set<string>();
  for (const q of form.spec.questions) {
    const v = body ? first(body[answerField(q.key)]) : "";
    if (v !== "") values.set(q.key, v);
  }
  for (const c of form.spec.customDisclaimer?.checkboxes ?? []) {
    if (body ? first(body[checkboxField(c.key)]) !== "" : c.is_checked_by_default) checked.add(c.key);
  }
  return { values, checked };
}

/** Which question's answer decides the choices of a dependent (conditional) question. */
export function conditionalParents(form: FormDefinition): Map<string, Question> {
  const parents = new Map<string, Question>();
  for (const q of form.spec.questions) {
    for (const d of q.dependent_conditional_questions ?? []) parents.set(d.field_key, q);
  }
  return parents;
}

/** The answers a conditional question allows given its parent's answer (all of them when unknown). */
export function conditionalChoices(q: Question, parent: Question | undefined, parentValue: string | undefined): string[] {
  if (parent?.conditional_questions_choices) {
    const all = parent.conditional_questions_choices;
    const pick = (c: ConditionalChoice) => (c.next_question_choices ?? []).map((n) => n.value);
    if (parentValue === undefined) return [...new Set(all.flatMap(pick))];
    return pick(all.find((c) => c.value === parentValue) ?? { value: "" });
  }
  return (q.conditional_questions_choices ?? []).map((c) => c.value);
}

/**
 * Server-side validation of a hosted-form submission. Answers are normalised the way Meta reports
 * them: phone numbers in E.164, option questions as the option key, store locators as the store number.
 */
export function checkAnswers(
  form: FormDefinition,
  locations: readonly PageLocation[],
  answers: Answers,
  s: FormStrings,
  nowSeconds: number,
): CheckedAnswers {
  const today = new Date(nowSeconds * 1000).toISOString().slice(0, 10);
  const errors = new Map<string, string>();
  const normalised = new Map<string, string>();
  const parents = conditionalParents(form);
  for (const q of form.spec.questions) {
    const raw = (answers.values.get(q.key) ?? "").trim();
    if (raw === "") {
      errors.set(q.key, s.required);
      continue;
    }
    if (raw.length > MAX_ANSWER) {
      errors.set(q.key, s.tooLong);
      continue;
    }
    let value = raw;
    if (EMAIL_TYPES.has(q.type)) {
      if (!EMAIL.test(raw)) errors.set(q.key, s.invalidEmail);
    } else if (PHONE_TYPES.has(q.type)) {
      const phone = parsePhoneNumberFromString(raw, phoneRegion(form.locale) as CountryCode);
      if (!phone || !phone.isValid()) errors.set(q.key, s.invalidPhone);
      else value = phone.number;
    } else if (q.type === "DOB") {
      if (!validDate(raw) || raw > today) errors.set(q.key, s.invalidDate);
    } else if (q.type === "DATE_TIME") {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) || !validDate(raw.slice(0, 10))) errors.set(q.key, s.invalidDate);
    } else if (NATIONAL_ID_TYPES.includes(q.type)) {
      if (!validNationalId(q.type, raw)) errors.set(q.key, s.invalidId);
    } else if (q.options) {
      if (!q.options.some((o) => o.key === raw)) errors.set(q.key, s.invalidChoice);
    } else if (STORE_TYPES.includes(q.type)) {
      if (!locations.some((l) => l.storeNumber === raw)) errors.set(q.key, s.invalidChoice);
    } else if (q.conditional_questions_choices || parents.has(q.key)) {
      const parent = parents.get(q.key);
      const allowed = conditionalChoices(q, parent, parent ? normalised.get(parent.key) : undefined);
      if (!allowed.includes(raw)) errors.set(q.key, s.invalidChoice);
    }
    normalised.set(q.key, value);
  }
  for (const c of form.spec.customDisclaimer?.checkboxes ?? []) {
    if (c.is_required && !answers.checked.has(c.key)) errors.set(checkboxField(c.key), s.checkboxRequired);
  }
  return {
    ...answers,
    errors,
    fieldData: form.spec.questions.filter((q) => normalised.has(q.key)).map((q) => ({ name: q.key, values: [normalised.get(q.key)!] })),
    disclaimers: (form.spec.customDisclaimer?.checkboxes ?? []).map((c) => ({
      checkbox_key: c.key,
      is_checked: answers.checked.has(c.key) ? "1" : "",
    })),
  };
}

function validDate(ymd: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return false;
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}
