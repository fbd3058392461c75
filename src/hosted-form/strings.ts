/** The hosted form's own words, per form locale. Forms in other locales fall back to en_US. */
export interface FormStrings {
  continue: string;
  submit: string;
  review: string;
  reviewTitle: string;
  reviewIntro: string;
  edit: string;
  search: string;
  searchStores: string;
  chooseStore: string;
  noStores: string;
  choose: string;
  privacyPolicy: string;
  privacyNotice: (page: string) => string;
  required: string;
  invalidEmail: string;
  invalidPhone: string;
  invalidDate: string;
  invalidId: string;
  invalidChoice: string;
  tooLong: string;
  checkboxRequired: string;
  errorSummary: string;
  closedTitle: string;
  closedBody: string;
  notFound: string;
  expired: string;
  reload: string;
  /** Too many submissions from one address or to one form: the throttle's friendly page. */
  busy: string;
  thankYouTitle: string;
  thankYouBody: string;
  optional: string;
  labels: Partial<Record<string, string>>;
}

const en: FormStrings = {
  continue: "Continue",
  submit: "Submit",
  review: "Review",
  reviewTitle: "Review your info",
  reviewIntro: "Check that your answers are right before you submit.",
  edit: "Edit",
  search: "Search",
  searchStores: "Search locations",
  chooseStore: "Choose a location",
  noStores: "No locations match your search.",
  choose: "Choose an answer",
  privacyPolicy: "Privacy policy",
  privacyNotice: (page) =>
    `By clicking Submit, you agree to send your info to ${page}, who agrees to use it according to their privacy policy.`,
  required: "This field is required.",
  invalidEmail: "Enter a valid email address, like name@example.com.",
  invalidPhone: "Enter a valid phone number, including the country code if it is not a local number.",
  invalidDate: "Enter a valid date.",
  invalidId: "Enter a valid ID number.",
  invalidChoice: "Choose one of the answers.",
  tooLong: "This answer is too long.",
  checkboxRequired: "You must check this box to continue.",
  errorSummary: "Please fix the answers marked below.",
  closedTitle: "This form is no longer accepting responses",
  closedBody: "The business has stopped collecting answers with this form.",
  notFound: "This form does not exist.",
  expired: "This form expired before it was sent. Your answers were not submitted.",
  reload: "Open the form again",
  busy: "Too many submissions just now. Your answers were not submitted: please wait a minute and try again.",
  thankYouTitle: "Thanks, you're all set.",
  thankYouBody: "Your info was sent.",
  optional: "optional",
  labels: {},
};

const de: FormStrings = {
  continue: "Weiter",
  submit: "Senden",
  review: "Überprüfen",
  reviewTitle: "Überprüfe deine Angaben",
  reviewIntro: "Prüfe deine Antworten, bevor du sie sendest.",
  edit: "Bearbeiten",
  search: "Suchen",
  searchStores: "Standorte durchsuchen",
  chooseStore: "Standort auswählen",
  noStores: "Keine Standorte gefunden.",
  choose: "Antwort auswählen",
  privacyPolicy: "Datenschutzrichtlinie",
  privacyNotice: (page) =>
    `Indem du auf „Senden“ klickst, sendest du deine Informationen an ${page}. ${page} verwendet sie gemäß der eigenen Datenschutzrichtlinie.`,
  required: "Dieses Feld ist erforderlich.",
  invalidEmail: "Gib eine gültige E-Mail-Adresse ein, z. B. name@example.com.",
  invalidPhone: "Gib eine gültige Telefonnummer ein, ggf. mit Landesvorwahl.",
  invalidDate: "Gib ein gültiges Datum ein.",
  invalidId: "Gib eine gültige Ausweisnummer ein.",
  invalidChoice: "Wähle eine der Antworten aus.",
  tooLong: "Diese Antwort ist zu lang.",
  checkboxRequired: "Du musst dieses Kästchen ankreuzen, um fortzufahren.",
  errorSummary: "Bitte korrigiere die markierten Antworten.",
  closedTitle: "Dieses Formular nimmt keine Antworten mehr an",
  closedBody: "Das Unternehmen sammelt mit diesem Formular keine Antworten mehr.",
  notFound: "Dieses Formular existiert nicht.",
  expired: "Das Formular ist abgelaufen. Deine Antworten wurden nicht gesendet.",
  reload: "Formular erneut öffnen",
  busy: "Gerade kommen zu viele Einsendungen an. Deine Antworten wurden nicht gesendet: bitte warte eine Minute und versuche es erneut.",
  thankYouTitle: "Danke, du bist fertig.",
  thankYouBody: "Deine Informationen wurden gesendet.",
  optional: "optional",
  labels: {
    FULL_NAME: "Vollständiger Name",
    FIRST_NAME: "Vorname",
    LAST_NAME: "Nachname",
    EMAIL: "E-Mail-Adresse",
    WORK_EMAIL: "Geschäftliche E-Mail-Adresse",
    PHONE: "Telefonnummer",
    WORK_PHONE_NUMBER: "Geschäftliche Telefonnummer",
    CITY: "Stadt",
    STATE: "Bundesland",
    PROVINCE: "Provinz",
    ZIP: "Postleitzahl",
    POST_CODE: "Postleitzahl",
    STREET_ADDRESS: "Straße und Hausnummer",
    COUNTRY: "Land",
    COMPANY_NAME: "Unternehmen",
    JOB_TITLE: "Berufsbezeichnung",
    DOB: "Geburtsdatum",
    GENDER: "Geschlecht",
    DATE_TIME: "Termin",
    STORE_LOOKUP: "Bevorzugter Standort",
    STORE_LOOKUP_WITH_TYPEAHEAD: "Bevorzugter Standort",
  },
};

const pt: FormStrings = {
  continue: "Continuar",
  submit: "Enviar",
  review: "Revisar",
  reviewTitle: "Revise suas informações",
  reviewIntro: "Confira suas respostas antes de enviar.",
  edit: "Editar",
  search: "Pesquisar",
  searchStores: "Pesquisar locais",
  chooseStore: "Escolha um local",
  noStores: "Nenhum local corresponde à pesquisa.",
  choose: "Escolha uma resposta",
  privacyPolicy: "Política de privacidade",
  privacyNotice: (page) =>
    `Ao clicar em Enviar, você concorda em enviar suas informações para ${page}, que concorda em usá-las de acordo com sua política de privacidade.`,
  required: "Este campo é obrigatório.",
  invalidEmail: "Insira um email válido, como nome@exemplo.com.",
  invalidPhone: "Insira um número de telefone válido, com o código do país se não for local.",
  invalidDate: "Insira uma data válida.",
  invalidId: "Insira um número de documento válido.",
  invalidChoice: "Escolha uma das respostas.",
  tooLong: "Esta resposta é longa demais.",
  checkboxRequired: "Marque esta caixa para continuar.",
  errorSummary: "Corrija as respostas indicadas abaixo.",
  closedTitle: "Este formulário não aceita mais respostas",
  closedBody: "A empresa parou de coletar respostas com este formulário.",
  notFound: "Este formulário não existe.",
  expired: "O formulário expirou antes do envio. Suas respostas não foram enviadas.",
  reload: "Abrir o formulário novamente",
  busy: "Muitos envios neste momento. Suas respostas não foram enviadas: aguarde um minuto e tente novamente.",
  thankYouTitle: "Obrigado, tudo pronto.",
  thankYouBody: "Suas informações foram enviadas.",
  optional: "opcional",
  labels: {
    FULL_NAME: "Nome completo",
    FIRST_NAME: "Nome",
    LAST_NAME: "Sobrenome",
    EMAIL: "Email",
    PHONE: "Número de telefone",
    CITY: "Cidade",
    STATE: "Estado",
    ZIP: "CEP",
    POST_CODE: "CEP",
    STREET_ADDRESS: "Endereço",
    COUNTRY: "País",
    DOB: "Data de nascimento",
    DATE_TIME: "Agendamento",
    STORE_LOOKUP: "Local preferido",
    STORE_LOOKUP_WITH_TYPEAHEAD: "Local preferido",
  },
};

const es: FormStrings = {
  continue: "Continuar",
  submit: "Enviar",
  review: "Revisar",
  reviewTitle: "Revisa tu información",
  reviewIntro: "Comprueba tus respuestas antes de enviarlas.",
  edit: "Editar",
  search: "Buscar",
  searchStores: "Buscar ubicaciones",
  chooseStore: "Elige una ubicación",
  noStores: "Ninguna ubicación coincide con la búsqueda.",
  choose: "Elige una respuesta",
  privacyPolicy: "Política de privacidad",
  privacyNotice: (page) =>
    `Al hacer clic en Enviar, aceptas enviar tu información a ${page}, que acepta usarla según su política de privacidad.`,
  required: "Este campo es obligatorio.",
  invalidEmail: "Ingresa un correo válido, como nombre@ejemplo.com.",
  invalidPhone: "Ingresa un número de teléfono válido, con el código de país si no es local.",
  invalidDate: "Ingresa una fecha válida.",
  invalidId: "Ingresa un número de documento válido.",
  invalidChoice: "Elige una de las respuestas.",
  tooLong: "Esta respuesta es demasiado larga.",
  checkboxRequired: "Debes marcar esta casilla para continuar.",
  errorSummary: "Corrige las respuestas marcadas abajo.",
  closedTitle: "Este formulario ya no acepta respuestas",
  closedBody: "La empresa dejó de recopilar respuestas con este formulario.",
  notFound: "Este formulario no existe.",
  expired: "El formulario caducó antes de enviarse. Tus respuestas no se enviaron.",
  reload: "Abrir el formulario de nuevo",
  busy: "Demasiados envíos en este momento. Tus respuestas no se enviaron: espera un minuto y vuelve a intentarlo.",
  thankYouTitle: "Gracias, ya terminaste.",
  thankYouBody: "Tu información se envió.",
  optional: "opcional",
  labels: {
    FULL_NAME: "Nombre completo",
    FIRST_NAME: "Nombre",
    LAST_NAME: "Apellido",
    EMAIL: "Correo electrónico",
    PHONE: "Número de teléfono",
    CITY: "Ciudad",
    STATE: "Estado",
    ZIP: "Código postal",
    POST_CODE: "Código postal",
    STREET_ADDRESS: "Dirección",
    COUNTRY: "País",
    DOB: "Fecha de nacimiento",
    DATE_TIME: "Cita",
    STORE_LOOKUP: "Ubicación preferida",
    STORE_LOOKUP_WITH_TYPEAHEAD: "Ubicación preferida",
  },
};

const TABLES: Record<string, FormStrings> = { en: en, de: de, pt: pt, es: es };

/** Strings for a form locale such as `de_DE`: matched by language, en_US otherwise. */
export function stringsFor(locale: string): FormStrings {
  return TABLES[locale.slice(0, 2).toLowerCase()] ?? en;
}

/** The BCP 47 tag for `<html lang>`: `de_DE` → `de-DE`. */
export const langTag = (locale: string): string => locale.replace("_", "-");

/** Default country for phone numbers typed without a country code. */
export function phoneRegion(locale: string): string {
  const region = locale.slice(3).toUpperCase();
  if (region === "LA") return "MX";
  return /^[A-Z]{2}$/.test(region) ? region : "US";
}
