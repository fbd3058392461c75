/** A form with one question of every kind the hosted form renders differently. */
export const EVERY_TYPE_FORM = {
  name: "Every type <form>",
  questions: [
    { type: "FULL_NAME" }, { type: "FIRST_NAME" }, { type: "LAST_NAME" }, { type: "EMAIL" }, { type: "WORK_EMAIL" },
    { type: "PHONE" }, { type: "WORK_PHONE_NUMBER" }, { type: "CITY" }, { type: "STATE" }, { type: "PROVINCE" },
    { type: "ZIP" }, { type: "POST_CODE" }, { type: "STREET_ADDRESS" }, { type: "COUNTRY" }, { type: "COMPANY_NAME" },
    { type: "JOB_TITLE" }, { type: "DOB" }, { type: "GENDER" }, { type: "MARITIAL_STATUS" }, { type: "RELATIONSHIP_STATUS" },
    { type: "MILITARY_STATUS" }, { type: "DATE_TIME", key: "appointment", inline_context: "We confirm by phone" },
    { type: "STORE_LOOKUP", key: "dealer" },
    { type: "CUSTOM", key: "budget", label: "Your budget?", options: [{ key: "low", value: "Under $10k" }, { key: "high", value: "Over $10k" }] },
    { type: "CUSTOM", label: "Anything else?" },
    {
      type: "CUSTOM", key: "make", label: "Car make",
      conditional_questions_choices: [
        { value: "Honda", next_question_choices: [{ value: "Civic" }, { value: "Jazz" }] },
        { value: "Kia", next_question_choices: [{ value: "Ceed" }, { value: "Niro" }] },
      ],
      dependent_conditional_questions: [{ field_key: "model", name: "Model" }],
    },
    { type: "CUSTOM", key: "model", label: "Car model" },
    { type: "ID_CPF" },
  ],
  privacy_policy: { url: "https://acme.example/privacy", link_text: "Acme privacy" },
  custom_disclaimer: {
    title: "Consent", body: { text: "We may call you about your request." },
    checkboxes: [
      { key: "contact_ok", text: "I agree to be contacted", is_required: true },
      { key: "newsletter", text: "Send me the newsletter", is_required: false },
    ],
  },
  context_card: { title: "Book a test drive", style: "LIST_STYLE", content: ["Pick a dealer", "We call you back"], button_text: "Start" },
  thank_you_page: { title: "See you soon", body: "A dealer will call you.", button_type: "VIEW_WEBSITE", button_text: "Visit Acme", website_url: "https://acme.example/" },
  tracking_parameters: { utm_source: "hosted" },
};

/** Valid answers for EVERY_TYPE_FORM, keyed by question key, as Graph reports them. */
export const EVERY_TYPE_ANSWERS: Record<string, string> = {
  full_name: "Zoë O'Brien <b>", first_name: "Zoë", last_name: "O'Brien", email: "zoe@example.com", work_email: "zoe@acme.example",
  phone_number: "+14155552671", work_phone_number: "+442071838750", city: "Springfield", state: "IL", province: "Ontario",
  zip_code: "12345", post_code: "SW1A 1AA", street_address: "1 Main St", country: "US", company_name: "Acme & Co",
  job_title: "Buyer", date_of_birth: "1990-04-01", gender: "female", marital_status: "single", relationship_status: "single",
  military_status: "none", appointment: "2026-12-03T10:30", dealer: "99213450", budget: "high", "anything_else?": "Blue, please",
  make: "Kia", model: "Niro", id_cpf: "52998224725",
};

/** The world's second store, for locator searches. */
export const SECOND_STORE = { store_number: "77100001", name: "Acme Uptown", street: "99 Hill Rd", city: "Shelbyville", zip: "54321", country: "US", latitude: null, longitude: null };
