import { seededRandom } from "../domain/seeded-random.ts";

export { seededRandom };

/** The parts of a form document (GET /_leadgraph/admin/forms/{id}) answers are generated from. */
export interface FormDocument {
  id: string;
  locale: string;
  questions: {
    key: string;
    type: string;
    options?: { key: string; value: string }[];
    conditional_questions_choices?: { value: string; next_question_choices?: { value: string }[] }[];
    dependent_conditional_questions?: { field_key: string }[];
  }[];
  legal_content?: { custom_disclaimer?: { checkboxes: { key: string; is_required: boolean }[] } };
  page_locations: { store_number: string; city: string }[];
}

export interface GeneratedLead {
  field_data: { name: string; values: string[] }[];
  custom_disclaimer_responses: { checkbox_key: string; is_checked: string }[];
}

const FIRST = [
  "Maria",
  "James",
  "Ana",
  "Lukas",
  "Sofia",
  "Wei",
  "Amara",
  "Mateo",
  "Chloé",
  "Noah",
  "Zoë",
  "Omar",
  "Yuki",
  "Ingrid",
  "Kwame",
  "Priya",
];
const LAST = [
  "Silva",
  "Smith",
  "Müller",
  "García",
  "Chen",
  "Okafor",
  "Rossi",
  "Nguyen",
  "Kowalski",
  "Dubois",
  "Haddad",
  "Tanaka",
  "Johansson",
  "Patel",
];
const CITIES = [
  ["Springfield", "IL", "62701"],
  ["Austin", "TX", "73301"],
  ["Portland", "OR", "97201"],
  ["Denver", "CO", "80202"],
  ["Madison", "WI", "53703"],
];
const STREETS = ["Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St"];
const COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Ltd", "Hooli", "Vandelay Industries"];
const JOBS = ["Buyer", "Engineer", "Teacher", "Nurse", "Accountant", "Designer", "Sales manager"];
const DOMAINS = ["example.com", "example.org", "example.net"];

/** A valid CPF: nine random digits and their two check digits. */
function cpf(rand: () => number): string {
  const d = Array.from({ length: 9 }, () => Math.floor(rand() * 10));
  for (const len of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += d[i]! * (len + 1 - i);
    d.push(((sum * 10) % 11) % 10);
  }
  return d.join("");
}

const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

/**
 * Realistic answers for every question type of a form: a coherent made-up person, option keys for
 * choices, a real store number for store locators, a valid national ID and the required boxes ticked.
 */
export function generateLead(form: FormDocument, rand: () => number): GeneratedLead {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const first = pick(FIRST);
  const last = pick(LAST);
  const [city, state, zip] = pick(CITIES) as [string, string, string];
  const email = `${ascii(first)}.${ascii(last)}${Math.floor(rand() * 1000)}@${pick(DOMAINS)}`;
  const phone = `+1415555${String(1000 + Math.floor(rand() * 9000))}`;
  const day = 1 + Math.floor(rand() * 28);
  const parentValues = new Map<string, string>();
  const children = new Map<string, string>();
  for (const q of form.questions) for (const d of q.dependent_conditional_questions ?? []) children.set(d.field_key, q.key);
  const answer = (q: FormDocument["questions"][number]): string => {
    if (q.options && q.options.length > 0) return pick(q.options).key;
    if (q.conditional_questions_choices && q.conditional_questions_choices.length > 0) {
      const choice = pick(q.conditional_questions_choices);
      parentValues.set(q.key, choice.value);
      return choice.value;
    }
    const parentKey = children.get(q.key);
    if (parentKey) {
      const parent = form.questions.find((p) => p.key === parentKey);
      const chosen = parent?.conditional_questions_choices?.find((c) => c.value === parentValues.get(parentKey));
      const next = chosen?.next_question_choices ?? [];
      if (next.length > 0) return pick(next).value;
    }
    switch (q.type) {
      case "FULL_NAME":
        return `${first} ${last}`;
      case "FIRST_NAME":
        return first;
      case "LAST_NAME":
        return last;
      case "EMAIL":
        return email;
      case "WORK_EMAIL":
        return `${ascii(first)}@${ascii(pick(COMPANIES)).replace(/[^a-z]/g, "")}.example`;
      case "PHONE":
      case "WORK_PHONE_NUMBER":
        return phone;
      case "CITY":
        return city;
      case "STATE":
      case "PROVINCE":
        return state;
      case "ZIP":
      case "POST_CODE":
        return zip;
      case "STREET_ADDRESS":
        return `${1 + Math.floor(rand() * 999)} ${pick(STREETS)}`;
      case "COUNTRY":
        return "US";
      case "COMPANY_NAME":
        return pick(COMPANIES);
      case "JOB_TITLE":
        return pick(JOBS);
      case "DOB":
        return `${1950 + Math.floor(rand() * 55)}-0${1 + Math.floor(rand() * 9)}-${String(day).padStart(2, "0")}`;
      case "GENDER":
        return pick(["female", "male"]);
      case "MARITIAL_STATUS":
      case "RELATIONSHIP_STATUS":
        return pick(["single", "married"]);
      case "MILITARY_STATUS":
        return pick(["none", "veteran"]);
      case "DATE_TIME":
        return `2026-12-${String(day).padStart(2, "0")}T${String(9 + Math.floor(rand() * 8)).padStart(2, "0")}:00`;
      case "STORE_LOOKUP":
      case "STORE_LOOKUP_WITH_TYPEAHEAD":
        return form.page_locations.length > 0 ? pick(form.page_locations).store_number : "";
      case "ID_CPF":
        return cpf(rand);
      case "ID_AR_DNI":
        return String(20_000_000 + Math.floor(rand() * 20_000_000));
      case "ID_PE_DNI":
        return String(10_000_000 + Math.floor(rand() * 80_000_000));
      case "ID_CL_RUT":
        return "12.345.678-5";
      case "ID_CO_CC":
        return String(1_000_000_000 + Math.floor(rand() * 900_000_000));
      case "ID_EC_CI":
        return "1710034065";
      case "ID_MX_RFC":
        return "GODE561231GR8";
      default:
        return pick(["Yes, please call me", "Next week works", "Looking for a family car", "Just browsing", "Weekends only"]);
    }
  };
  const field_data = form.questions.map((q) => ({ name: q.key, values: [answer(q)] })).filter((d) => d.values[0] !== "");
  const boxes = form.legal_content?.custom_disclaimer?.checkboxes ?? [];
  return {
    field_data,
    custom_disclaimer_responses: boxes.map((c) => ({ checkbox_key: c.key, is_checked: c.is_required || rand() < 0.5 ? "1" : "" })),
  };
}
