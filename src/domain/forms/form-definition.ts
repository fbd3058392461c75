import type { IdGenerator } from "../ids.ts";
import type { DisclaimerCheckbox, FormSpec, Question, QuestionOption } from "../model.ts";
import { DEFAULT_KEYS, DEFAULT_LABELS, NATIONAL_ID_TYPES, QUESTION_TYPES, STORE_TYPES, keyFromLabel } from "./question-types.ts";

/** Where and why a form definition is wrong; callers format the path their own way. */
export interface DefinitionIssue {
  path: (string | number)[];
  kind: "required" | "enum" | "invalid_keys" | "invalid";
  message: string;
  allowed?: readonly string[];
  got?: string;
  keys?: string[];
}

export type DefinitionResult = { ok: true; name: string; locale: string; spec: FormSpec } | { ok: false; issue: DefinitionIssue };

export const FORM_LOCALES = [
  "AR_AR",
  "CS_CZ",
  "DA_DK",
  "DE_DE",
  "EL_GR",
  "EN_GB",
  "EN_US",
  "ES_ES",
  "ES_LA",
  "FI_FI",
  "FR_FR",
  "HE_IL",
  "HI_IN",
  "HU_HU",
  "ID_ID",
  "IT_IT",
  "JA_JP",
  "KO_KR",
  "NB_NO",
  "NL_NL",
  "PL_PL",
  "PT_BR",
  "PT_PT",
  "RO_RO",
  "RU_RU",
  "SV_SE",
  "TH_TH",
  "TR_TR",
  "VI_VN",
  "ZH_CN",
  "ZH_HK",
  "ZH_TW",
] as const;

export const THANK_YOU_BUTTON_TYPES = [
  "VIEW_WEBSITE",
  "CALL_BUSINESS",
  "MESSAGE_BUSINESS",
  "DOWNLOAD",
  "SCHEDULE_APPOINTMENT",
  "VIEW_ON_FACEBOOK",
  "PROMO_CODE",
  "NONE",
  "WHATSAPP",
  "P2B_MESSENGER",
  "BOOK_ON_WEBSITE",
] as const;

const QUESTION_KEYS = [
  "type",
  "key",
  "label",
  "options",
  "inline_context",
  "context_provider_type",
  "conditional_questions_group_id",
  "conditional_questions_choices",
  "dependent_conditional_questions",
  "id",
];
const TOP_KEYS = [
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
  "status",
  "id",
  "page_id",
  "created_time",
  "cover_photo_id",
  "is_for_canvas",
  "is_phone_sms_verify_enabled",
  "should_enforce_work_email",
  "allow_organic_lead_retrieval",
];

class Invalid extends Error {
  readonly issue: DefinitionIssue;
  constructor(issue: DefinitionIssue) {
    super(issue.message);
    this.issue = issue;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function str(v: unknown, path: (string | number)[], required: boolean, max = 2000): string | undefined {
  if (v === undefined || v === null || v === "") {
    if (required) throw new Invalid({ path, kind: "required", message: "is required" });
    return undefined;
  }
  if (typeof v !== "string") throw new Invalid({ path, kind: "invalid", message: "must be a string" });
  if (v.length > max) throw new Invalid({ path, kind: "invalid", message: `must be at most ${max} characters` });
  return v;
}

/** A URL a person is sent to from a page: http or https only (`javascript:` and `data:` would run in the page). */
function httpUrl(v: unknown, path: (string | number)[], required: boolean): string | undefined {
  const url = str(v, path, required);
  if (url !== undefined && !/^https?:\/\/[^\s]+$/i.test(url))
    throw new Invalid({ path, kind: "invalid", message: "must be an http(s) URL" });
  return url;
}

/** Structures stored as given (conditional choices, url entities): bounded by their size as JSON. */
function bounded<T>(v: T, path: (string | number)[], maxChars = 20_000): T {
  if (JSON.stringify(v).length > maxChars)
    throw new Invalid({ path, kind: "invalid", message: `must be at most ${maxChars} characters as JSON` });
  return v;
}

function bool(v: unknown, path: (string | number)[]): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1" || v === 1) return true;
  if (v === "false" || v === "0" || v === 0) return false;
  throw new Invalid({ path, kind: "invalid", message: "must be a boolean" });
}

function noExtraKeys(o: Record<string, unknown>, allowed: readonly string[], path: (string | number)[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new Invalid({ path, kind: "invalid_keys", message: `has unknown keys: ${extra.join(", ")}`, keys: extra });
}

/**
 * Validates a form definition (as posted to `/{page-id}/leadgen_forms` or written in a world file)
 * and turns it into the stored FormSpec: question keys resolved, ids assigned.
 */
export function buildFormDefinition(
  input: unknown,
  ids: IdGenerator,
  context: { pageHasLocations: boolean; allowStoredKeys?: boolean },
): DefinitionResult {
  try {
    return { ok: true, ...build(input, ids, context) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, issue: e.issue };
    throw e;
  }
}

function build(input: unknown, ids: IdGenerator, context: { pageHasLocations: boolean }) {
  if (!isObject(input)) throw new Invalid({ path: [], kind: "invalid", message: "must be an object" });
  noExtraKeys(input, TOP_KEYS, []);
  const name = str(input.name, ["name"], true, 200)!;
  const localeRaw = str(input.locale, ["locale"], false) ?? "en_US";
  const localeUpper = localeRaw.toUpperCase();
  if (!(FORM_LOCALES as readonly string[]).includes(localeUpper)) {
    throw new Invalid({ path: ["locale"], kind: "enum", message: "is not a supported locale", allowed: FORM_LOCALES, got: localeRaw });
  }
  // Written upper-case (EN_US), read back as en_US.
  const locale = `${localeUpper.slice(0, 2).toLowerCase()}_${localeUpper.slice(3)}`;

  if (input.questions === undefined || input.questions === null) {
    throw new Invalid({ path: ["questions"], kind: "required", message: "is required" });
  }
  if (!Array.isArray(input.questions) || input.questions.length === 0) {
    throw new Invalid({ path: ["questions"], kind: "invalid", message: "must be a non-empty array" });
  }
  if (input.questions.length > 50) throw new Invalid({ path: ["questions"], kind: "invalid", message: "must have at most 50 questions" });
  const questions: Question[] = input.questions.map((q, i) => question(q, i, ids));
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    if (seen.has(q.key)) throw new Invalid({ path: ["questions", i, "key"], kind: "invalid", message: `duplicates the key "${q.key}"` });
    seen.add(q.key);
  });
  const nationalIds = questions.filter((q) => NATIONAL_ID_TYPES.includes(q.type));
  if (nationalIds.length > 1) {
    const i = questions.indexOf(nationalIds[1]!);
    throw new Invalid({ path: ["questions", i, "type"], kind: "invalid", message: "a form can have only one national ID question" });
  }
  const store = questions.findIndex((q) => STORE_TYPES.includes(q.type));
  if (store >= 0 && !context.pageHasLocations) {
    throw new Invalid({
      path: ["questions", store, "type"],
      kind: "invalid",
      message: "needs a Page with store locations (STORE_LOOKUP on a Page without locations)",
    });
  }

  const spec: FormSpec = {
    questions,
    trackingParameters: trackingParameters(input.tracking_parameters),
    blockDisplayForNonTargetedViewer: bool(input.block_display_for_non_targeted_viewer, ["block_display_for_non_targeted_viewer"]) ?? false,
    isOptimizedForQuality: bool(input.is_optimized_for_quality, ["is_optimized_for_quality"]) ?? false,
  };
  const headline = str(input.question_page_custom_headline, ["question_page_custom_headline"], false, 200);
  if (headline !== undefined) spec.questionPageCustomHeadline = headline;
  const followUp = httpUrl(input.follow_up_action_url, ["follow_up_action_url"], false);
  if (followUp !== undefined) spec.followUpActionUrl = followUp;
  if (input.privacy_policy !== undefined && input.privacy_policy !== null) spec.privacyPolicy = privacyPolicy(input.privacy_policy);
  if (input.custom_disclaimer !== undefined && input.custom_disclaimer !== null)
    spec.customDisclaimer = disclaimer(input.custom_disclaimer, ids);
  if (input.context_card !== undefined && input.context_card !== null) spec.contextCard = contextCard(input.context_card, ids);
  if (input.thank_you_page !== undefined && input.thank_you_page !== null) spec.thankYouPage = thankYou(input.thank_you_page, ids);
  return { name, locale, spec };
}

function question(q: unknown, i: number, ids: IdGenerator): Question {
  const path = ["questions", i];
  if (!isObject(q)) throw new Invalid({ path, kind: "invalid", message: "must be an object" });
  noExtraKeys(q, QUESTION_KEYS, path);
  if (q.type === undefined || q.type === null || q.type === "")
    throw new Invalid({ path: [...path, "type"], kind: "required", message: "is required" });
  const type = String(q.type);
  if (!(QUESTION_TYPES as readonly string[]).includes(type)) {
    throw new Invalid({ path: [...path, "type"], kind: "enum", message: "is not a question type", allowed: QUESTION_TYPES, got: type });
  }
  const label = str(q.label, [...path, "label"], type === "CUSTOM" && q.key === undefined, 500) ?? DEFAULT_LABELS[type] ?? type;
  const key = str(q.key, [...path, "key"], false, 200) ?? (type === "CUSTOM" ? keyFromLabel(label) : DEFAULT_KEYS[type]!);
  if (/[\s]/.test(key)) throw new Invalid({ path: [...path, "key"], kind: "invalid", message: "must not contain white space" });
  const out: Question = { id: typeof q.id === "string" && /^\d+$/.test(q.id) ? q.id : ids.next(), key, label, type };
  if (q.options !== undefined && q.options !== null) {
    if (!Array.isArray(q.options) || q.options.length === 0) {
      throw new Invalid({ path: [...path, "options"], kind: "invalid", message: "must be a non-empty array" });
    }
    if (type !== "CUSTOM")
      throw new Invalid({ path: [...path, "options"], kind: "invalid", message: "are only allowed on CUSTOM questions" });
    const keys = new Set<string>();
    out.options = q.options.map((o, j): QuestionOption => {
      const op = [...path, "options", j];
      if (!isObject(o)) throw new Invalid({ path: op, kind: "invalid", message: "must be an object" });
      noExtraKeys(o, ["key", "value", "photo"], op);
      const value = str(o.value, [...op, "value"], true, 500)!;
      const k = str(o.key, [...op, "key"], false, 200) ?? keyFromLabel(value);
      if (keys.has(k)) throw new Invalid({ path: [...op, "key"], kind: "invalid", message: `duplicates the option key "${k}"` });
      keys.add(k);
      return { key: k, value };
    });
  }
  const inline = str(q.inline_context, [...path, "inline_context"], false, 500);
  if (inline !== undefined) out.inline_context = inline;
  if (STORE_TYPES.includes(type) && q.context_provider_type !== undefined && q.context_provider_type !== "LOCATION_MANAGER") {
    throw new Invalid({
      path: [...path, "context_provider_type"],
      kind: "enum",
      message: "must be LOCATION_MANAGER",
      allowed: ["LOCATION_MANAGER"],
      got: String(q.context_provider_type),
    });
  }
  const groupId = str(q.conditional_questions_group_id, [...path, "conditional_questions_group_id"], false, 200);
  if (groupId !== undefined) out.conditional_questions_group_id = groupId;
  if (Array.isArray(q.conditional_questions_choices)) {
    out.conditional_questions_choices = bounded(
      q.conditional_questions_choices,
      [...path, "conditional_questions_choices"],
      200_000,
    ) as Question["conditional_questions_choices"];
  }
  if (Array.isArray(q.dependent_conditional_questions)) {
    out.dependent_conditional_questions = bounded(q.dependent_conditional_questions, [
      ...path,
      "dependent_conditional_questions",
    ]) as Question["dependent_conditional_questions"];
  }
  return out;
}

function trackingParameters(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  const out: Record<string, string> = {};
  // Written as an object; read back as [{key, value}] — accept both.
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((e, i) => {
        if (!isObject(e) || typeof e.key !== "string")
          throw new Invalid({ path: ["tracking_parameters", i], kind: "invalid", message: "must be {key, value}" });
        return [e.key, e.value];
      })
    : isObject(v)
      ? Object.entries(v)
      : (() => {
          throw new Invalid({ path: ["tracking_parameters"], kind: "invalid", message: "must be an object of strings" });
        })();
  if (entries.length > 50)
    throw new Invalid({ path: ["tracking_parameters"], kind: "invalid", message: "must have at most 50 parameters" });
  for (const [k, val] of entries) {
    if (typeof val !== "string" && typeof val !== "number") {
      throw new Invalid({ path: ["tracking_parameters", k.slice(0, 100)], kind: "invalid", message: "must be a string" });
    }
    if (k.length > 200)
      throw new Invalid({
        path: ["tracking_parameters", k.slice(0, 100)],
        kind: "invalid",
        message: "must have a key of at most 200 characters",
      });
    out[k] = str(String(val), ["tracking_parameters", k], false, 2000) ?? "";
  }
  return out;
}

function privacyPolicy(v: unknown): NonNullable<FormSpec["privacyPolicy"]> {
  const path = ["privacy_policy"];
  if (!isObject(v)) throw new Invalid({ path, kind: "invalid", message: "must be an object" });
  noExtraKeys(v, ["url", "link_text"], path);
  const url = httpUrl(v.url, [...path, "url"], true)!;
  const linkText = str(v.link_text, [...path, "link_text"], false, 70);
  return linkText === undefined ? { url } : { url, link_text: linkText };
}

function disclaimer(v: unknown, ids: IdGenerator): NonNullable<FormSpec["customDisclaimer"]> {
  const path = ["custom_disclaimer"];
  if (!isObject(v)) throw new Invalid({ path, kind: "invalid", message: "must be an object" });
  noExtraKeys(v, ["title", "body", "checkboxes"], path);
  const out: NonNullable<FormSpec["customDisclaimer"]> = { id: ids.next(), checkboxes: [] };
  const title = str(v.title, [...path, "title"], false, 200);
  if (title !== undefined) out.title = title;
  if (v.body !== undefined && v.body !== null) {
    if (!isObject(v.body)) throw new Invalid({ path: [...path, "body"], kind: "invalid", message: "must be an object with text" });
    noExtraKeys(v.body, ["text", "url_entities"], [...path, "body"]);
    out.body = { text: str(v.body.text, [...path, "body", "text"], true, 5000)! };
    if (Array.isArray(v.body.url_entities))
      out.body.url_entities = bounded(v.body.url_entities, [...path, "body", "url_entities"]) as {
        offset: number;
        length: number;
        url: string;
      }[];
  }
  if (v.checkboxes !== undefined && v.checkboxes !== null) {
    if (!Array.isArray(v.checkboxes)) throw new Invalid({ path: [...path, "checkboxes"], kind: "invalid", message: "must be an array" });
    const keys = new Set<string>();
    out.checkboxes = v.checkboxes.map((c, i): DisclaimerCheckbox => {
      const cp = [...path, "checkboxes", i];
      if (!isObject(c)) throw new Invalid({ path: cp, kind: "invalid", message: "must be an object" });
      noExtraKeys(c, ["key", "text", "is_required", "is_checked_by_default", "id"], cp);
      const key = str(c.key, [...cp, "key"], true, 200)!;
      if (keys.has(key)) throw new Invalid({ path: [...cp, "key"], kind: "invalid", message: `duplicates the checkbox key "${key}"` });
      keys.add(key);
      return {
        id: ids.next(),
        key,
        text: str(c.text, [...cp, "text"], true, 2000)!,
        is_required: bool(c.is_required, [...cp, "is_required"]) ?? true,
        is_checked_by_default: bool(c.is_checked_by_default, [...cp, "is_checked_by_default"]) ?? false,
      };
    });
  }
  return out;
}

function contextCard(v: unknown, ids: IdGenerator): NonNullable<FormSpec["contextCard"]> {
  const path = ["context_card"];
  if (!isObject(v)) throw new Invalid({ path, kind: "invalid", message: "must be an object" });
  noExtraKeys(v, ["title", "style", "content", "button_text", "cover_photo_id"], path);
  if (v.style === undefined || v.style === null)
    throw new Invalid({ path: [...path, "style"], kind: "required", message: "Context card style is not provided" });
  if (v.style !== "LIST_STYLE" && v.style !== "PARAGRAPH_STYLE") {
    throw new Invalid({
      path: [...path, "style"],
      kind: "enum",
      message: "is not a style",
      allowed: ["LIST_STYLE", "PARAGRAPH_STYLE"],
      got: String(v.style),
    });
  }
  const out: NonNullable<FormSpec["contextCard"]> = { id: ids.next(), style: v.style };
  const title = str(v.title, [...path, "title"], false, 200);
  if (title !== undefined) out.title = title;
  if (v.content !== undefined) {
    if (!Array.isArray(v.content) || v.content.some((c) => typeof c !== "string")) {
      throw new Invalid({ path: [...path, "content"], kind: "invalid", message: "must be an array of strings" });
    }
    if (v.content.length > 20) throw new Invalid({ path: [...path, "content"], kind: "invalid", message: "must have at most 20 items" });
    v.content.forEach((c, i) => str(c, [...path, "content", i], false, 1000));
    out.content = v.content as string[];
  }
  const button = str(v.button_text, [...path, "button_text"], false, 100);
  if (button !== undefined) out.button_text = button;
  return out;
}

function thankYou(v: unknown, ids: IdGenerator): NonNullable<FormSpec["thankYouPage"]> {
  const path = ["thank_you_page"];
  if (!isObject(v)) throw new Invalid({ path, kind: "invalid", message: "must be an object" });
  noExtraKeys(
    v,
    ["title", "body", "button_type", "button_text", "website_url", "business_phone_number", "country_code", "enable_messenger"],
    path,
  );
  if (v.button_type === undefined || v.button_type === null)
    throw new Invalid({ path: [...path, "button_type"], kind: "required", message: "is required" });
  const buttonType = String(v.button_type);
  if (!(THANK_YOU_BUTTON_TYPES as readonly string[]).includes(buttonType)) {
    throw new Invalid({
      path: [...path, "button_type"],
      kind: "enum",
      message: "is not a button type",
      allowed: THANK_YOU_BUTTON_TYPES,
      got: buttonType,
    });
  }
  const out: NonNullable<FormSpec["thankYouPage"]> = {
    id: ids.next(),
    button_type: buttonType,
    enable_messenger: bool(v.enable_messenger, [...path, "enable_messenger"]) ?? false,
  };
  const buttonText = str(v.button_text, [...path, "button_text"], false, 100);
  if (buttonText === undefined && buttonType !== "NONE") {
    throw new Invalid({ path: [...path, "button_text"], kind: "required", message: "Button text is missing for Thank You Page" });
  }
  if (buttonText !== undefined) out.button_text = buttonText;
  for (const k of ["title", "body", "website_url", "business_phone_number", "country_code"] as const) {
    const s = k === "website_url" ? httpUrl(v[k], [...path, k], false) : str(v[k], [...path, k], false);
    if (s !== undefined) out[k] = s;
  }
  if (buttonType === "VIEW_WEBSITE" && out.website_url === undefined) {
    throw new Invalid({ path: [...path, "website_url"], kind: "required", message: "is required for VIEW_WEBSITE" });
  }
  return out;
}
