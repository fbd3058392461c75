import type { HTMLInputTypeAttribute } from "preact";
import type { FormDetail, Question } from "../api.ts";

const INPUT_TYPES: Record<string, HTMLInputTypeAttribute> = {
  EMAIL: "email",
  PHONE: "tel",
  DATE_TIME: "datetime-local",
  DOB: "date",
  ZIP: "text",
  POST_CODE: "text",
};

/** Meta's prefilled questions have no label in the API; the person sees these. */
const STANDARD_LABELS: Record<string, string> = {
  FULL_NAME: "Full name",
  FIRST_NAME: "First name",
  LAST_NAME: "Last name",
  EMAIL: "Email",
  PHONE: "Phone number",
  CITY: "City",
  STATE: "State",
  ZIP: "Zip code",
  POST_CODE: "Post code",
  COUNTRY: "Country",
  STREET_ADDRESS: "Street address",
  COMPANY_NAME: "Company name",
  JOB_TITLE: "Job title",
  WORK_EMAIL: "Work email",
  WORK_PHONE_NUMBER: "Work phone number",
  DOB: "Date of birth",
  GENDER: "Gender",
  MARITIAL_STATUS: "Relationship status",
  STORE_LOOKUP: "Choose a location",
  DATE_TIME: "Pick a date and time",
  MILITARY_STATUS: "Military status",
};

export const labelOf = (q: Question): string => q.label || STANDARD_LABELS[q.type] || q.key;

function PreviewQuestion({ q }: { q: Question }) {
  const id = `preview-${q.id || q.key}`;
  const label = labelOf(q);
  if (q.options?.length) {
    return (
      <fieldset class="preview-q">
        <legend>{label}</legend>
        {q.options.map((o) => (
          <label key={o.key} class="choice">
            <input type="radio" name={id} disabled /> {o.value}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div class="preview-q">
      <label for={id}>{label}</label>
      {/* Preact types an input's props by its `type`; one literal picks the member the other props fit. */}
      {/* eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion */}
      <input id={id} type={(INPUT_TYPES[q.type] ?? "text") as "text"} disabled placeholder={q.inline_context ?? ""} />
    </div>
  );
}

/** The form roughly as a person sees it in the Lead Ads dialog: intro, questions, disclaimer, privacy, thank-you. */
export function FormPreview({ form }: { form: FormDetail }) {
  const disclaimer = form.legal_content?.custom_disclaimer;
  const privacy =
    form.legal_content?.privacy_policy ??
    (form.privacy_policy_url ? { url: form.privacy_policy_url, link_text: "Privacy policy" } : undefined);
  return (
    <div class="preview" aria-label="Form preview">
      {form.context_card && (
        <div class="preview-section">
          <h3>{form.context_card.title}</h3>
          {(form.context_card.content ?? []).map((c, i) => (
            <p key={i}>{c}</p>
          ))}
        </div>
      )}
      <div class="preview-section">
        {form.questions.map((q) => (
          <PreviewQuestion key={q.id || q.key} q={q} />
        ))}
      </div>
      {disclaimer && (
        <div class="preview-section">
          <h3>{disclaimer.title}</h3>
          {disclaimer.body && <p>{disclaimer.body.text}</p>}
          {(disclaimer.checkboxes ?? []).map((c) => (
            <label key={c.key} class="choice">
              <input type="checkbox" disabled checked={c.is_checked_by_default ?? false} /> {c.text}
              {c.is_required ? " (required)" : ""}
            </label>
          ))}
        </div>
      )}
      {privacy && (
        <p class="preview-section small">
          By submitting, you agree to the{" "}
          <a href={privacy.url} rel="noreferrer noopener" target="_blank">
            {privacy.link_text ?? "privacy policy"}
          </a>
          .
        </p>
      )}
      {form.thank_you_page && (
        <div class="preview-section thanks">
          <h3>{form.thank_you_page.title ?? "Thanks"}</h3>
          {form.thank_you_page.body && <p>{form.thank_you_page.body}</p>}
        </div>
      )}
    </div>
  );
}
