import { DEFAULT_LABELS, NATIONAL_ID_TYPES, STORE_TYPES } from "../domain/forms/question-types.ts";
import type { PageLocation, PageRecord, Question } from "../domain/model.ts";
import type { FormDefinition } from "../domain/ports.ts";
import { type Answers, answerField, checkboxField, conditionalChoices, conditionalParents, EMAIL_TYPES, PHONE_TYPES } from "./answers.ts";
import { html, type SafeHtml } from "./html.ts";
import { type FormStrings, langTag } from "./strings.ts";
import { SCRIPT, STYLE } from "./style.ts";

export interface FormView {
  form: FormDefinition;
  page: PageRecord;
  locations: readonly PageLocation[];
  s: FormStrings;
  answers: Answers;
  errors: ReadonlyMap<string, string>;
  token: string;
  adId: string | undefined;
  platform: string | undefined;
  storeQuery: string;
  action: string;
}

const AUTOCOMPLETE: Record<string, string> = {
  FULL_NAME: "name",
  FIRST_NAME: "given-name",
  LAST_NAME: "family-name",
  EMAIL: "email",
  WORK_EMAIL: "work email",
  PHONE: "tel",
  WORK_PHONE_NUMBER: "work tel",
  CITY: "address-level2",
  STATE: "address-level1",
  PROVINCE: "address-level1",
  ZIP: "postal-code",
  POST_CODE: "postal-code",
  STREET_ADDRESS: "street-address",
  COUNTRY: "country-name",
  COMPANY_NAME: "organization",
  JOB_TITLE: "organization-title",
  DOB: "bday",
};

/**
 * Where each response's CSP nonce goes (hosted-form/security-headers.ts fills it in as the page is
 * sent). Only the two attributes written here carry it: answers are escaped, so no `<script` or
 * `<style` tag of theirs can hold one.
 */
export const NONCE_SLOT = "lg-nonce-slot";

export function layout(form: { locale: string } | undefined, title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="${langTag(form?.locale ?? "en_US")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style nonce="${NONCE_SLOT}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script nonce="${NONCE_SLOT}">${SCRIPT}</script>
</body>
</html>
`;
}

/** The label Meta shows: the form's own label, or the localised standard label when it was left default. */
export function labelOf(q: Question, s: FormStrings): string {
  if (q.label === DEFAULT_LABELS[q.type] && s.labels[q.type]) return s.labels[q.type]!;
  return q.label;
}

function hiddenContext(v: FormView): SafeHtml {
  return html`<input type="hidden" name="_token" value="${v.token}">
${v.adId ? html`<input type="hidden" name="ad_id" value="${v.adId}">` : ""}
${v.platform ? html`<input type="hidden" name="platform" value="${v.platform}">` : ""}`;
}

function header(v: FormView): SafeHtml {
  return html`<p class="page-name">${v.page.name}</p>`;
}

function contextCard(v: FormView): SafeHtml {
  const card = v.form.spec.contextCard;
  if (!card) return html``;
  const content = card.content ?? [];
  return html`<section class="card" aria-labelledby="intro-title">
<h1 id="intro-title">${card.title ?? v.form.name}</h1>
${
  card.style === "LIST_STYLE"
    ? html`<ul class="context">${content.map((c) => html`<li>${c}</li>`)}</ul>`
    : content.map((c) => html`<p>${c}</p>`)
}
<p><a class="button" href="#questions">${card.button_text ?? v.s.continue}</a></p>
</section>`;
}

function describedBy(...ids: (string | false | undefined)[]): SafeHtml {
  const list = ids.filter((x): x is string => typeof x === "string");
  return list.length ? html` aria-describedby="${list.join(" ")}"` : html``;
}

function question(v: FormView, q: Question, i: number, parents: Map<string, Question>): SafeHtml {
  const id = `q-${i}`;
  const value = v.answers.values.get(q.key) ?? "";
  const error = v.errors.get(q.key);
  const hintId = q.inline_context ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const common = html` id="${id}" name="${answerField(q.key)}" required${error ? html` aria-invalid="true"` : ""}${describedBy(hintId, errorId)}`;
  const label = labelOf(q, v.s);
  let control: SafeHtml;
  if (q.options) {
    control = html`<select${common}><option value="">${v.s.choose}</option>${q.options.map(
      (o) => html`<option value="${o.key}"${o.key === value ? html` selected` : ""}>${o.value}</option>`,
    )}</select>`;
  } else if (STORE_TYPES.includes(q.type)) {
    const needle = v.storeQuery.trim().toLowerCase();
    const matches = v.locations.filter((l) => needle === "" || searchText(l).includes(needle) || l.storeNumber === value);
    control = html`<div class="search" role="search">
<label class="visually-hidden" for="${id}-search">${v.s.searchStores}</label>
<input type="search" id="${id}-search" name="store_q" value="${v.storeQuery}" placeholder="${v.s.searchStores}" data-store-search="${id}" autocomplete="off">
<button type="submit" name="_action" value="search" class="secondary" formnovalidate>${v.s.search}</button>
</div>
<select${common}><option value="">${v.s.chooseStore}</option>${matches.map(
      (l) =>
        html`<option value="${l.storeNumber}" data-search="${searchText(l)}"${l.storeNumber === value ? html` selected` : ""}>${l.name} — ${[l.street, l.city, l.zip].filter(Boolean).join(", ")}</option>`,
    )}</select>
${matches.length === 0 ? html`<p class="hint" role="status">${v.s.noStores}</p>` : ""}`;
  } else if (q.conditional_questions_choices || parents.has(q.key)) {
    const parent = parents.get(q.key);
    if (parent) {
      const parentIndex = v.form.spec.questions.indexOf(parent);
      const groups = (parent.conditional_questions_choices ?? []).map(
        (c) =>
          html`<optgroup label="${c.value}" data-when="${c.value}">${(c.next_question_choices ?? []).map(
            (n) =>
              html`<option value="${n.value}"${n.value === value && v.answers.values.get(parent.key) === c.value ? html` selected` : ""}>${n.value}</option>`,
          )}</optgroup>`,
      );
      control = html`<select${common} data-parent="q-${parentIndex}"><option value="">${v.s.choose}</option>${groups}</select>`;
    } else {
      control = html`<select${common}><option value="">${v.s.choose}</option>${conditionalChoices(q, undefined, undefined).map(
        (c) => html`<option value="${c}"${c === value ? html` selected` : ""}>${c}</option>`,
      )}</select>`;
    }
  } else {
    const type = EMAIL_TYPES.has(q.type)
      ? "email"
      : PHONE_TYPES.has(q.type)
        ? "tel"
        : q.type === "DOB"
          ? "date"
          : q.type === "DATE_TIME"
            ? "datetime-local"
            : "text";
    const auto = AUTOCOMPLETE[q.type];
    const numeric = NATIONAL_ID_TYPES.includes(q.type) && q.type !== "ID_MX_RFC" && q.type !== "ID_CL_RUT";
    control = html`<input type="${type}"${common} value="${value}" maxlength="1000"${auto ? html` autocomplete="${auto}"` : ""}${numeric ? html` inputmode="numeric"` : ""}>`;
  }
  return html`<div class="field">
<label for="${id}">${label}</label>
${control}
${q.inline_context ? html`<p class="hint" id="${hintId}">${q.inline_context}</p>` : ""}
${error ? html`<p class="error" id="${errorId}">${error}</p>` : ""}
</div>`;
}

const searchText = (l: PageLocation) => [l.name, l.street, l.city, l.zip, l.country, l.storeNumber].join(" ").toLowerCase();

function disclaimer(v: FormView): SafeHtml {
  const d = v.form.spec.customDisclaimer;
  if (!d) return html``;
  return html`<fieldset>
<legend class="legend">${d.title ?? ""}</legend>
${d.body ? html`<p class="legal">${d.body.text}</p>` : ""}
${d.checkboxes.map((c, i) => {
  const id = `cb-${i}`;
  const error = v.errors.get(checkboxField(c.key));
  return html`<div class="field"><label class="check" for="${id}"><input type="checkbox" id="${id}" name="${checkboxField(c.key)}" value="1"${
    v.answers.checked.has(c.key) ? html` checked` : ""
  }${c.is_required ? html` required` : ""}${error ? html` aria-invalid="true"` : ""}${describedBy(error ? `${id}-error` : undefined)}>
<span>${c.text}${c.is_required ? "" : html` <span class="hint">(${v.s.optional})</span>`}</span></label>
${error ? html`<p class="error" id="${id}-error">${error}</p>` : ""}</div>`;
})}
</fieldset>`;
}

function privacy(v: FormView): SafeHtml {
  const p = v.form.spec.privacyPolicy;
  return html`<p class="legal">${v.s.privacyNotice(v.page.name)}${p ? html` <a href="${p.url}" rel="noopener noreferrer" target="_blank">${p.link_text ?? v.s.privacyPolicy}</a>` : ""}</p>`;
}

function errorSummary(v: FormView): SafeHtml {
  if (v.errors.size === 0) return html``;
  const qs = v.form.spec.questions;
  const boxes = v.form.spec.customDisclaimer?.checkboxes ?? [];
  const items: SafeHtml[] = [];
  qs.forEach((q, i) => {
    const e = v.errors.get(q.key);
    if (e) items.push(html`<li><a href="#q-${i}">${labelOf(q, v.s)}: ${e}</a></li>`);
  });
  boxes.forEach((c, i) => {
    const e = v.errors.get(checkboxField(c.key));
    if (e) items.push(html`<li><a href="#cb-${i}">${c.text}: ${e}</a></li>`);
  });
  return html`<div class="summary" role="alert" tabindex="-1" id="error-summary"><p><strong>${v.s.errorSummary}</strong></p><ul>${items}</ul></div>`;
}

/** The instant form: intro, questions, legal text and the submit (or review) button. */
export function formPage(v: FormView): SafeHtml {
  const parents = conditionalParents(v.form);
  const review = v.form.spec.isOptimizedForQuality;
  const body = html`${header(v)}
${contextCard(v)}
<form method="post" action="${v.action}" novalidate data-lead-form id="questions" aria-labelledby="questions-title">
<h${v.form.spec.contextCard ? "2" : "1"} id="questions-title">${v.form.spec.questionPageCustomHeadline ?? v.form.name}</h${v.form.spec.contextCard ? "2" : "1"}>
${errorSummary(v)}
${hiddenContext(v)}
${v.form.spec.questions.map((q, i) => question(v, q, i, parents))}
${disclaimer(v)}
${privacy(v)}
<div class="actions"><button type="submit" name="_action" value="${review ? "review" : "submit"}">${review ? v.s.review : v.s.submit}</button></div>
</form>`;
  return layout(v.form, v.form.name, body);
}

/** The "higher intent" review step: answers shown read-only, carried in hidden fields. */
export function reviewPage(v: FormView): SafeHtml {
  const locationName = (n: string) => v.locations.find((l) => l.storeNumber === n)?.name ?? n;
  const shown = (q: Question, value: string) =>
    q.options ? (q.options.find((o) => o.key === value)?.value ?? value) : STORE_TYPES.includes(q.type) ? locationName(value) : value;
  const body = html`${header(v)}
<form method="post" action="${v.action}" data-lead-form aria-labelledby="review-title">
<h1 id="review-title">${v.s.reviewTitle}</h1>
<p>${v.s.reviewIntro}</p>
${hiddenContext(v)}
<dl class="review">${v.form.spec.questions.map((q) => {
    const value = v.answers.values.get(q.key) ?? "";
    return html`<dt>${labelOf(q, v.s)}</dt><dd>${shown(q, value)}</dd><input type="hidden" name="${answerField(q.key)}" value="${value}">`;
  })}</dl>
${(v.form.spec.customDisclaimer?.checkboxes ?? [])
  .filter((c) => v.answers.checked.has(c.key))
  .map((c) => html`<input type="hidden" name="${checkboxField(c.key)}" value="1">`)}
${privacy(v)}
<div class="actions"><button type="submit" name="_action" value="edit" class="secondary">${v.s.edit}</button><button type="submit" name="_action" value="submit">${v.s.submit}</button></div>
</form>`;
  return layout(v.form, v.form.name, body);
}

/** The thank-you screen with its call-to-action button, as configured on the form. */
export function thankYouPage(form: FormDefinition, page: PageRecord, s: FormStrings, leadId: string): SafeHtml {
  const t = form.spec.thankYouPage;
  let button: SafeHtml = html``;
  if (t && t.button_type !== "NONE" && t.button_text) {
    const href =
      t.button_type === "CALL_BUSINESS" && t.business_phone_number
        ? `tel:${t.country_code ? `+${t.country_code.replace(/^\+/, "")}` : ""}${t.business_phone_number}`
        : t.button_type === "WHATSAPP" && t.business_phone_number
          ? `https://wa.me/${(t.country_code ?? "").replace(/\D/g, "")}${t.business_phone_number.replace(/\D/g, "")}`
          : (t.website_url ?? `https://www.facebook.com/${page.id}`);
    button = html`<p><a class="button" href="${/^(https?:|tel:)/i.test(href) ? href : "#"}" rel="noopener noreferrer">${t.button_text}</a></p>`;
  }
  const body = html`<p class="page-name">${page.name}</p>
<section class="notice" role="status" data-lead-id="${leadId}" aria-labelledby="thanks-title">
<h1 id="thanks-title">${t?.title ?? s.thankYouTitle}</h1>
<p>${t?.body ?? s.thankYouBody}</p>
${button}
</section>`;
  return layout(form, t?.title ?? s.thankYouTitle, body);
}

/** Archived, missing and expired forms: a title, a sentence, optionally a link back. */
export function messagePage(
  form: FormDefinition | undefined,
  title: string,
  text: string,
  link?: { href: string; text: string },
): SafeHtml {
  return layout(
    form,
    title,
    html`<section class="notice" role="status"><h1>${title}</h1><p>${text}</p>${link ? html`<p><a class="button" href="${link.href}">${link.text}</a></p>` : ""}</section>`,
  );
}
