/** Question types Meta validates (`(#100) Param questions[i][type] must be one of {…}`), in Meta's order. */
export const QUESTION_TYPES = [
  "CUSTOM", "CITY", "COMPANY_NAME", "COUNTRY", "DOB", "EMAIL", "GENDER", "FIRST_NAME", "FULL_NAME", "JOB_TITLE",
  "LAST_NAME", "MARITIAL_STATUS", "PHONE", "POST_CODE", "PROVINCE", "RELATIONSHIP_STATUS", "STATE", "STREET_ADDRESS",
  "ZIP", "WORK_EMAIL", "MILITARY_STATUS", "WORK_PHONE_NUMBER", "STORE_LOOKUP", "STORE_LOOKUP_WITH_TYPEAHEAD",
  "DATE_TIME", "ID_CPF", "ID_AR_DNI", "ID_CL_RUT", "ID_CO_CC", "ID_EC_CI", "ID_PE_DNI", "ID_MX_RFC",
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const NATIONAL_ID_TYPES: readonly string[] = ["ID_CPF", "ID_AR_DNI", "ID_CL_RUT", "ID_CO_CC", "ID_EC_CI", "ID_PE_DNI", "ID_MX_RFC"];
export const STORE_TYPES: readonly string[] = ["STORE_LOOKUP", "STORE_LOOKUP_WITH_TYPEAHEAD"];

/** Meta's default field keys for the standard types (what `field_data[].name` carries). */
export const DEFAULT_KEYS: Record<string, string> = {
  CITY: "city", COMPANY_NAME: "company_name", COUNTRY: "country", DOB: "date_of_birth", EMAIL: "email",
  GENDER: "gender", FIRST_NAME: "first_name", FULL_NAME: "full_name", JOB_TITLE: "job_title", LAST_NAME: "last_name",
  MARITIAL_STATUS: "marital_status", PHONE: "phone_number", POST_CODE: "post_code", PROVINCE: "province",
  RELATIONSHIP_STATUS: "relationship_status", STATE: "state", STREET_ADDRESS: "street_address", ZIP: "zip_code",
  WORK_EMAIL: "work_email", MILITARY_STATUS: "military_status", WORK_PHONE_NUMBER: "work_phone_number",
  STORE_LOOKUP: "store_lookup", STORE_LOOKUP_WITH_TYPEAHEAD: "store_lookup", DATE_TIME: "date_time",
  ID_CPF: "id_cpf", ID_AR_DNI: "id_ar_dni", ID_CL_RUT: "id_cl_rut", ID_CO_CC: "id_co_cc", ID_EC_CI: "id_ec_ci",
  ID_PE_DNI: "id_pe_dni", ID_MX_RFC: "id_mx_rfc",
};

/** English labels Meta shows for standard questions. */
export const DEFAULT_LABELS: Record<string, string> = {
  CITY: "City", COMPANY_NAME: "Company name", COUNTRY: "Country", DOB: "Date of birth", EMAIL: "Email",
  GENDER: "Gender", FIRST_NAME: "First name", FULL_NAME: "Full name", JOB_TITLE: "Job title", LAST_NAME: "Last name",
  MARITIAL_STATUS: "Marital status", PHONE: "Phone number", POST_CODE: "Post code", PROVINCE: "Province",
  RELATIONSHIP_STATUS: "Relationship status", STATE: "State", STREET_ADDRESS: "Street address", ZIP: "ZIP code",
  WORK_EMAIL: "Work email", MILITARY_STATUS: "Military status", WORK_PHONE_NUMBER: "Work phone number",
  STORE_LOOKUP: "Preferred location", STORE_LOOKUP_WITH_TYPEAHEAD: "Preferred location", DATE_TIME: "Appointment",
  ID_CPF: "CPF", ID_AR_DNI: "DNI", ID_CL_RUT: "RUT", ID_CO_CC: "Cédula de ciudadanía", ID_EC_CI: "Cédula de identidad",
  ID_PE_DNI: "DNI", ID_MX_RFC: "RFC",
};

/**
 * A CUSTOM question without a key gets one derived from its label the way Meta does: lower-cased,
 * spaces to underscores, punctuation kept (`Your budget range?` → `your_budget_range?`).
 */
export function keyFromLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, "_");
}
