import { createHmac } from "node:crypto";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** Who to erase: an email, a phone number, or both (a lead matching either is erased). */
export interface PersonQuery {
  email?: string;
  phone?: string;
  /** ISO 3166 region for a phone number written without its country code (`0612345678` with `NL`). */
  country?: string;
}

/** Why a person query cannot be used; the field it names and what is wrong with it. */
export class PersonQueryError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field} ${detail}`);
  }
}

/** A lead's answer as both the server and `leadgraph sync` store it (`field_data[]`). */
export interface AnswerField {
  name?: string;
  values?: readonly unknown[];
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

// Longer than any address or number anyone types; bounds the work a hostile value can ask for.
const MAX_ANSWER_LENGTH = 320;

/**
 * Decides whether a lead's answers name the person: an answer equal to the email (ignoring case and
 * surrounding space), or an answer that is the same phone number once both are read as E.164 (the
 * hosted form stores E.164; imported and admin-created leads may hold any national spelling).
 * Every answer is looked at, not only EMAIL and PHONE questions, since a custom question or an
 * imported column may hold the same address. Imports no server code: `leadgraph sync` erases with it too.
 */
export class PersonMatcher {
  readonly email: string | undefined;
  /** The phone number in E.164 (`+14155550100`). */
  readonly phone: string | undefined;
  readonly #region: CountryCode | undefined;
  readonly #nationalDigits: string | undefined;

  constructor(q: PersonQuery) {
    if (q.email === undefined && q.phone === undefined) throw new PersonQueryError("email", "or phone is required");
    if (q.email !== undefined) {
      const email = normaliseEmail(q.email);
      if (email.length > MAX_ANSWER_LENGTH || !/^[^\s@]+@[^\s@]+$/.test(email))
        throw new PersonQueryError("email", "must be an email address such as jane@example.com");
      this.email = email;
    }
    if (q.phone !== undefined) {
      const country = q.country?.trim().toUpperCase();
      if (country !== undefined && !/^[A-Z]{2}$/.test(country))
        throw new PersonQueryError("country", "must be a two-letter region code such as US");
      const parsed =
        q.phone.length <= MAX_ANSWER_LENGTH ? parsePhoneNumberFromString(q.phone, country as CountryCode | undefined) : undefined;
      if (!parsed || !parsed.isValid()) {
        throw new PersonQueryError(
          "phone",
          country === undefined
            ? "must be a valid phone number with its country code (+14155550100), or give country for a national number"
            : `must be a valid phone number for ${country}`,
        );
      }
      this.phone = parsed.number;
      this.#region = parsed.country;
      this.#nationalDigits = String(parsed.nationalNumber);
    }
  }

  /** The identifiers that matched this lead's answers (empty when none did). */
  matches(fieldData: readonly AnswerField[]): ("email" | "phone")[] {
    let email = false;
    let phone = false;
    for (const f of fieldData) {
      for (const raw of f.values ?? []) {
        if (typeof raw !== "string" || raw.length > MAX_ANSWER_LENGTH) continue;
        if (!email && this.email !== undefined && normaliseEmail(raw) === this.email) email = true;
        if (!phone && this.phone !== undefined && this.#samePhone(raw)) phone = true;
      }
    }
    return [...(email ? ["email" as const] : []), ...(phone ? ["phone" as const] : [])];
  }

  #samePhone(raw: string): boolean {
    // Parsing every answer is the costly part of a scan; an answer whose digits do not end with the
    // national number cannot be the same number, whatever its spelling.
    if (!raw.replace(/\D/g, "").endsWith(this.#nationalDigits!)) return false;
    return parsePhoneNumberFromString(raw, this.#region)?.number === this.phone;
  }
}

/**
 * Keyed hashes of the identifiers a matcher was made from, for an audit log: with the key and an
 * address one can tell whether that address was erased; without the key the hashes name nobody.
 */
export function identifierHashes(m: PersonMatcher, key: string): string[] {
  const hash = (kind: string, v: string) => `${kind}:hmac-sha256:${createHmac("sha256", key).update(`${kind}:${v}`).digest("hex")}`;
  return [...(m.email !== undefined ? [hash("email", m.email)] : []), ...(m.phone !== undefined ? [hash("phone", m.phone)] : [])];
}

export interface PersonMatches {
  matcher: PersonMatcher;
  leadIds: string[];
  /** The identifiers that matched at least one lead. */
  matchedBy: ("email" | "phone")[];
}

/** A slice of stored leads in id order after `afterId`: id and answers as stored (JSON text). */
export type LeadScan = (afterId: string | null, limit: number) => Promise<{ id: string; fieldData: string }[]>;

const SCAN_BATCH = 1000;

/** Every lead whose answers name the person, read slice by slice (erasure is rare; no index serves it). */
export async function findPersonLeads(q: PersonQuery, scan: LeadScan): Promise<PersonMatches> {
  const matcher = new PersonMatcher(q);
  const leadIds: string[] = [];
  const matched = new Set<"email" | "phone">();
  let after: string | null = null;
  for (;;) {
    const rows = await scan(after, SCAN_BATCH);
    for (const r of rows) {
      let fields: unknown;
      try {
        fields = JSON.parse(r.fieldData);
      } catch {
        continue;
      }
      const m = Array.isArray(fields) ? matcher.matches(fields as AnswerField[]) : [];
      if (m.length === 0) continue;
      leadIds.push(r.id);
      for (const k of m) matched.add(k);
    }
    if (rows.length < SCAN_BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  return { matcher, leadIds, matchedBy: (["email", "phone"] as const).filter((k) => matched.has(k)) };
}
