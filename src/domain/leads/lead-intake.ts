import { type Clock, nowSeconds } from "../clock.ts";
import { leadErrors } from "../errors.ts";
import type { IdGenerator } from "../ids.ts";
import { type Metrics, noMetrics } from "../metrics.ts";
import type { AdAttribution, DisclaimerResponse, FieldDatum, LeadEvent, LeadRecord, LeadSource, PageLocation } from "../model.ts";
import type { FormDefinition, Store } from "../ports.ts";
import { STORE_TYPES } from "../forms/question-types.ts";

/** A lead as any way in describes it, before it is checked against its form. */
export interface NewLead {
  formId: string;
  adId?: string | null;
  platform?: string;
  createdTime?: number;
  fieldData: FieldDatum[];
  customDisclaimerResponses?: DisclaimerResponse[];
  partnerName?: string | null;
  retailerItemId?: string | null;
  submitterUserId?: string | null;
  externalId?: string | null;
  id?: string;
  isTest?: boolean;
}

export interface IntakeOptions {
  source: LeadSource;
  /** History (world files) fires no webhooks; everything else does. */
  fireWebhooks: boolean;
  createdByAppId?: string | null;
  createdByUserId?: string | null;
  /** World files may load leads into archived forms and with times in the past. */
  allowArchived?: boolean;
  /** Join a transaction the caller already holds (a world file loads everything in one). */
  store?: Store;
}

export const PLATFORMS = ["fb", "ig", "msg", "wa", "an"] as const;

/**
 * The one way a lead is written, whatever it came from (world file, test lead, admin API, hosted
 * form, import): answers checked against the form, field data normalised into Meta's shape
 * (tracking parameters first, then answers in question order), attribution resolved from the ad,
 * form counters bumped and the leadgen outbox row written, all as one durable unit: when
 * create() returns, the leads survive a power loss (docs/architecture.md, "Durability").
 */
export class LeadIntake {
  readonly #metrics: Pick<Metrics, "leadsCreated">;
  readonly #onOutboxWritten: () => void;

  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;

  constructor(
    store: Store,
    clock: Clock,
    ids: IdGenerator,
    hooks: { metrics?: Pick<Metrics, "leadsCreated">; onOutboxWritten?: () => void } = {},
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#ids = ids;
    this.#metrics = hooks.metrics ?? noMetrics;
    this.#onOutboxWritten = hooks.onOutboxWritten ?? (() => undefined);
  }

  async create(inputs: readonly NewLead[], opts: IntakeOptions, pathPrefix = "leads"): Promise<string[]> {
    if (inputs.length === 0) return [];
    const ids = await this.#write(inputs, opts, pathPrefix);
    // Counted after the commit; a caller's outer transaction (world files) could still roll back.
    this.#metrics.leadsCreated(ids.length, opts.source);
    // Rung after the commit so the dispatcher finds the outbox rows.
    if (opts.fireWebhooks) this.#onOutboxWritten();
    return ids;
  }

  /**
   * Reads what the leads need (form definitions, store numbers, ad attribution: cached where the
   * store caches them), then writes them with one insert, which is a durable unit of its own or part
   * of the caller's transaction.
   */
  async #write(inputs: readonly NewLead[], opts: IntakeOptions, pathPrefix: string): Promise<string[]> {
    const store = opts.store ?? this.#store;
    const forms = new Map<string, FormDefinition>();
    const locations = new Map<string, Set<string>>();
    const ads = new Map<string, AdAttribution & { formId: string | null }>();
    const now = nowSeconds(this.#clock);
    const leads: LeadRecord[] = [];
    const events: LeadEvent[] = [];
    for (const [i, input] of inputs.entries()) {
      const at = `${pathPrefix}[${i}]`;
      let form = forms.get(input.formId);
      if (!form) {
        form = await store.forms.definition(input.formId);
        if (!form) throw leadErrors.leadInput(`${at}.form_id`, `no form with id ${input.formId}`);
        forms.set(form.id, form);
      }
      if (form.status !== "ACTIVE" && !opts.allowArchived) {
        throw leadErrors.leadInput(at, notTakingLeads(form.id, form.status));
      }
      let stores = locations.get(form.pageId);
      if (!stores && form.spec.questions.some((q) => STORE_TYPES.includes(q.type))) {
        const locs: PageLocation[] = await store.directory.locations(form.pageId);
        stores = new Set(locs.map((l) => l.storeNumber));
        locations.set(form.pageId, stores);
      }
      let attribution: (AdAttribution & { formId: string | null }) | undefined;
      if (input.adId) {
        attribution = ads.get(input.adId);
        if (!attribution) {
          const ad = await store.directory.getAd(input.adId);
          const attr = ad && (await store.directory.attributions([ad.id])).get(ad.id);
          if (!ad || !attr) throw leadErrors.leadInput(`${at}.ad_id`, `no ad with id ${input.adId}`);
          attribution = { ...attr, formId: ad.formId };
          ads.set(ad.id, attribution);
        }
        if (attribution.formId !== form.id) {
          throw leadErrors.leadInput(`${at}.ad_id`, `ad ${input.adId} does not use form ${form.id}`);
        }
      }
      const platform = input.platform ?? "fb";
      if (!(PLATFORMS as readonly string[]).includes(platform)) {
        throw leadErrors.leadInput(`${at}.platform`, `must be one of ${PLATFORMS.join(", ")} - got "${platform}"`);
      }
      const createdTime = input.createdTime ?? now;
      const id = input.id ?? this.#ids.next();
      leads.push({
        id,
        formId: form.id,
        pageId: form.pageId,
        adId: attribution?.adId ?? null,
        adsetId: attribution?.adsetId ?? null,
        campaignId: attribution?.campaignId ?? null,
        accountId: attribution?.accountId ?? null,
        createdTime,
        platform,
        isOrganic: attribution === undefined,
        isTest: input.isTest ?? false,
        fieldData: normaliseFieldData(form, input.fieldData, stores, at),
        disclaimerResponses: normaliseDisclaimers(form, input.customDisclaimerResponses ?? [], at),
        partnerName: input.partnerName ?? null,
        retailerItemId: input.retailerItemId ?? null,
        createdByAppId: opts.createdByAppId ?? null,
        createdByUserId: opts.createdByUserId ?? null,
        submitterUserId: input.submitterUserId ?? null,
        source: opts.source,
        externalId: input.externalId ?? null,
      });
      if (opts.fireWebhooks) {
        events.push({
          id: this.#ids.next(),
          leadId: id,
          pageId: form.pageId,
          formId: form.id,
          adId: attribution?.adId ?? null,
          createdTime,
          enqueuedAt: now,
        });
      }
    }
    const { inactiveForms } = await store.leads.insert(leads, events, { activeFormsOnly: !opts.allowArchived });
    if (inactiveForms.length > 0) {
      // The definition said ACTIVE but the form changed since (another instance archived it): the
      // insert's own check, with the form's row locked, refused and wrote nothing (in a caller's
      // transaction, throwing rolls it back).
      const formId = inactiveForms[0]!;
      const status = (await store.forms.get(formId))?.status ?? "DELETED";
      throw leadErrors.leadInput(`${pathPrefix}[${inputs.findIndex((l) => l.formId === formId)}]`, notTakingLeads(formId, status));
    }
    return leads.map((l) => l.id);
  }
}

const notTakingLeads = (formId: string, status: string) => `form ${formId} is ${status.toLowerCase()} and accepts no new leads`;

function normaliseFieldData(form: FormDefinition, data: readonly FieldDatum[], stores: Set<string> | undefined, at: string): FieldDatum[] {
  if (!Array.isArray(data)) throw leadErrors.leadInput(`${at}.field_data`, "must be an array of {name, values}");
  const given = new Map<string, string[]>();
  data.forEach((d, j) => {
    const p = `${at}.field_data[${j}]`;
    if (typeof d !== "object" || d === null || typeof d.name !== "string") throw leadErrors.leadInput(p, "must be {name, values}");
    const rawValues: unknown = d.values;
    if (!Array.isArray(rawValues) || rawValues.some((v) => typeof v !== "string")) {
      throw leadErrors.leadInput(`${p}.values`, "must be an array of strings");
    }
    const values = rawValues as string[];
    if (values.length > 20) throw leadErrors.leadInput(`${p}.values`, "has too many values (at most 20)");
    if (values.some((v) => v.length > 10_000)) throw leadErrors.leadInput(`${p}.values`, "a value is longer than 10000 characters");
    if (given.has(d.name)) throw leadErrors.leadInput(`${p}.name`, `"${d.name}" is answered twice`);
    const question = form.spec.questions.find((q) => q.key === d.name);
    if (!question && !(d.name in form.spec.trackingParameters)) {
      const keys = [...form.spec.questions.map((q) => q.key), ...Object.keys(form.spec.trackingParameters)];
      throw leadErrors.leadInput(`${p}.name`, `"${d.name}" is not a question key of form ${form.id} (one of ${keys.join(", ")})`);
    }
    if (question?.options) {
      const allowed = question.options.map((o) => o.key);
      values.forEach((v, k) => {
        if (!allowed.includes(v))
          throw leadErrors.leadInput(
            `${p}.values[${k}]`,
            `must be an option key of "${question.key}" (${allowed.join(", ")}) - got "${v}"`,
          );
      });
    }
    if (question && STORE_TYPES.includes(question.type)) {
      values.forEach((v, k) => {
        if (!stores?.has(v)) throw leadErrors.leadInput(`${p}.values[${k}]`, `"${v}" is not a store number of page ${form.pageId}`);
      });
    }
    given.set(d.name, [...values]);
  });
  const out: FieldDatum[] = [];
  // Meta reports every tracking parameter as its own entry, before the answers.
  for (const [name, value] of Object.entries(form.spec.trackingParameters)) {
    out.push({ name, values: given.get(name) ?? [value] });
  }
  for (const q of form.spec.questions) {
    const values = given.get(q.key);
    if (values !== undefined) out.push({ name: q.key, values });
  }
  return out;
}

function normaliseDisclaimers(form: FormDefinition, responses: readonly DisclaimerResponse[], at: string): DisclaimerResponse[] {
  if (!Array.isArray(responses)) throw leadErrors.leadInput(`${at}.custom_disclaimer_responses`, "must be an array");
  const boxes = form.spec.customDisclaimer?.checkboxes ?? [];
  const given = new Map<string, string>();
  responses.forEach((r, j) => {
    const p = `${at}.custom_disclaimer_responses[${j}]`;
    if (typeof r !== "object" || r === null || typeof r.checkbox_key !== "string")
      throw leadErrors.leadInput(p, "must be {checkbox_key, is_checked}");
    if (!boxes.some((b) => b.key === r.checkbox_key)) {
      throw leadErrors.leadInput(`${p}.checkbox_key`, `"${r.checkbox_key}" is not a checkbox of form ${form.id}`);
    }
    const raw = r.is_checked as unknown;
    const checked = raw === true || raw === "1" || raw === 1 || raw === "true";
    const unchecked = raw === false || raw === "" || raw === 0 || raw === "0" || raw === "false" || raw === null;
    if (!checked && !unchecked) throw leadErrors.leadInput(`${p}.is_checked`, `must be "1" or "" - got ${JSON.stringify(raw)}`);
    given.set(r.checkbox_key, checked ? "1" : "");
  });
  // Every checkbox gets an answer, in form order, as Meta reports them.
  return boxes.map((b) => ({ checkbox_key: b.key, is_checked: given.get(b.key) ?? (b.is_checked_by_default ? "1" : "") }));
}
