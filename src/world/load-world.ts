import type { ZodError } from "zod";
import { nowSeconds } from "../domain/clock.ts";
import { LeadInputError } from "../domain/errors.ts";
import { buildFormDefinition, type DefinitionIssue } from "../domain/forms/form-definition.ts";
import type { FormRecord, TokenRecord } from "../domain/model.ts";
import type { Services } from "../domain/services.ts";
import { parseTime } from "../domain/time.ts";
import { describeRefusal } from "../domain/webhooks/outbound-policy.ts";
import { stableId, stableIdGenerator } from "./stable-ids.ts";
import { type World, worldSchema } from "./world-schema.ts";

/** A world file problem, naming the exact place: `forms[0].questions[2].type: must be one of …`. */
export class WorldError extends Error {
  readonly path: string;
  readonly detail: string;
  constructor(path: string, detail: string) {
    super(path ? `${path}: ${detail}` : detail);
    this.path = path;
    this.detail = detail;
    this.name = "WorldError";
  }
}

export interface WorldSummary {
  apps: number;
  users: number;
  pages: number;
  forms: number;
  ads: number;
  leads: number;
  leadsSkipped: number;
  tokens: number;
}

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");

function fromZod(err: ZodError): WorldError {
  const issue = err.issues[0]!;
  let detail = issue.message;
  if (issue.code === "invalid_value" && "values" in issue) detail = `must be one of ${(issue.values as unknown[]).join(", ")}`;
  if (issue.code === "unrecognized_keys" && "keys" in issue) detail = `unknown key(s) ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type" && /received undefined/i.test(issue.message)) detail = "is required";
  return new WorldError(formatPath(issue.path), detail);
}

function fromDefinition(prefix: string, issue: DefinitionIssue): WorldError {
  const path = formatPath(
    [...prefix.split("."), ...issue.path].flatMap((p) =>
      typeof p === "string" ? p.split(/(?=\[)/).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s)) : [p],
    ),
  );
  if (issue.kind === "enum") return new WorldError(path, `must be one of ${issue.allowed!.join(", ")} - got "${issue.got}"`);
  return new WorldError(path, issue.message);
}

const time = (v: string | number | undefined | null, path: string, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  const t = parseTime(v);
  if (t === undefined)
    throw new WorldError(path, `must be a time such as 2026-11-20T10:00:00+0000 or unix seconds - got ${JSON.stringify(v)}`);
  return t;
};

/** Parses a world document, or throws a WorldError naming the place. */
export function parseWorld(input: unknown): World {
  const parsed = worldSchema.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  return parsed.data;
}

/**
 * Loads a world in one transaction: all of it or none of it. Leads from a world file are history
 * and fire no webhooks; subscriptions and page installs are taken as already verified.
 */
export async function loadWorld(services: Services, input: unknown): Promise<WorldSummary> {
  const world = parseWorld(input);
  const now = nowSeconds(services.clock);
  const { store } = services;
  // Durable like every lead commit: `seed` and `serve --world` report the world loaded, and a
  // power loss right after must not take back leads that were reported.
  return store.durableTransaction(async (tx) => {
    const dir = tx.directory;
    const summary: WorldSummary = { apps: 0, users: 0, pages: 0, forms: 0, ads: 0, leads: 0, leadsSkipped: 0, tokens: 0 };
    const userIds = new Set((await dir.listUsers()).map((u) => u.id));
    for (const u of world.users) {
      const id = u.id ?? stableId("user", u.name);
      await dir.upsertUser({ id, name: u.name });
      userIds.add(id);
      summary.users++;
    }
    const needUser = (uid: string, path: string) => {
      if (!userIds.has(uid)) throw new WorldError(path, `no user with id ${uid} (add it to "users")`);
    };
    const appIds = new Set((await dir.listApps()).map((a) => a.id));
    for (const [i, a] of world.apps.entries()) {
      const id = a.id ?? stableId("app", a.name);
      await dir.upsertApp({
        id,
        name: a.name,
        secret: a.secret,
        mode: a.mode,
        requireAppsecretProof: a.require_appsecret_proof,
        createdTime: time(a.created_time, `apps[${i}].created_time`, now),
      });
      a.roles.forEach((r, j) => needUser(r.user_id, `apps[${i}].roles[${j}].user_id`));
      await dir.setAppRoles(
        id,
        a.roles.map((r) => ({ appId: id, userId: r.user_id, role: r.role })),
      );
      appIds.add(id);
      summary.apps++;
    }
    const pageIds = new Set((await dir.listPages()).map((p) => p.id));
    for (const [i, p] of world.pages.entries()) {
      const id = p.id ?? stableId("page", p.name);
      p.lead_access?.user_ids.forEach((u, j) => needUser(u, `pages[${i}].lead_access.user_ids[${j}]`));
      p.lead_access?.app_ids.forEach((a, j) => {
        if (!appIds.has(a)) throw new WorldError(`pages[${i}].lead_access.app_ids[${j}]`, `no app with id ${a}`);
      });
      await dir.upsertPage({
        id,
        name: p.name,
        category: p.category,
        createdTime: time(p.created_time, `pages[${i}].created_time`, now),
        leadAccess: p.lead_access === null ? null : { userIds: p.lead_access.user_ids, appIds: p.lead_access.app_ids },
      });
      for (const [j, r] of p.roles.entries()) {
        needUser(r.user_id, `pages[${i}].roles[${j}].user_id`);
        await dir.setPageRole({ pageId: id, userId: r.user_id, tasks: r.tasks });
      }
      for (const l of p.locations) {
        await dir.upsertLocation({
          pageId: id,
          storeNumber: l.store_number,
          name: l.name,
          street: l.street,
          city: l.city,
          zip: l.zip,
          country: l.country,
          latitude: l.latitude,
          longitude: l.longitude,
        });
      }
      pageIds.add(id);
      summary.pages++;
    }
    for (const [i, acc] of world.ad_accounts.entries()) {
      await dir.upsertAdAccount({ id: acc.id, name: acc.name });
      for (const [j, u] of acc.users.entries()) {
        needUser(u.user_id, `ad_accounts[${i}].users[${j}].user_id`);
        await dir.setAdAccountRole({ accountId: acc.id, userId: u.user_id, role: u.role });
      }
    }
    for (const [i, c] of world.campaigns.entries()) {
      if (!(await dir.getAdAccount(c.account_id)))
        throw new WorldError(`campaigns[${i}].account_id`, `no ad account with id ${c.account_id}`);
      await dir.upsertCampaign({ id: c.id ?? stableId("campaign", c.account_id, c.name), accountId: c.account_id, name: c.name });
    }
    for (const [i, s] of world.adsets.entries()) {
      if (!(await dir.getCampaign(s.campaign_id))) throw new WorldError(`adsets[${i}].campaign_id`, `no campaign with id ${s.campaign_id}`);
      await dir.upsertAdSet({ id: s.id ?? stableId("adset", s.campaign_id, s.name), campaignId: s.campaign_id, name: s.name });
    }
    for (const [i, f] of world.forms.entries()) {
      const at = `forms[${i}]`;
      if (!pageIds.has(f.page_id)) throw new WorldError(`${at}.page_id`, `no page with id ${f.page_id}`);
      const { id: givenId, page_id: pageId, status, created_time: created, ...definition } = f;
      const id = givenId ?? stableId("form", pageId, String((definition as { name?: unknown }).name ?? i));
      const existing = await tx.forms.get(id);
      const hasLocations = (await dir.locations(pageId)).length > 0;
      const def = buildFormDefinition(definition, stableIdGenerator("form", id), { pageHasLocations: hasLocations });
      if (!def.ok) throw fromDefinition(at, def.issue);
      const form: FormRecord = {
        id,
        pageId,
        name: def.name,
        status,
        locale: def.locale,
        spec: def.spec,
        createdTime: time(created, `${at}.created_time`, existing?.createdTime ?? now),
        leadsCount: existing?.leadsCount ?? 0,
        organicLeadsCount: existing?.organicLeadsCount ?? 0,
      };
      await tx.forms.upsert(form);
      summary.forms++;
    }
    for (const [i, a] of world.ads.entries()) {
      if (!(await dir.getAdSet(a.adset_id))) throw new WorldError(`ads[${i}].adset_id`, `no ad set with id ${a.adset_id}`);
      if (a.form_id !== null && !(await tx.forms.get(a.form_id))) throw new WorldError(`ads[${i}].form_id`, `no form with id ${a.form_id}`);
      await dir.upsertAd({
        id: a.id ?? stableId("ad", a.adset_id, a.name),
        adsetId: a.adset_id,
        name: a.name,
        formId: a.form_id,
        status: a.status,
        createdTime: time(a.created_time, `ads[${i}].created_time`, now),
      });
      summary.ads++;
    }
    // Leads: existing ids are skipped, so a second load is harmless.
    const leadInputs = world.leads.map((l, i) => {
      const createdTime = time(l.created_time, `leads[${i}].created_time`, now);
      const id = l.id ?? stableId("lead", l.form_id, String(createdTime), JSON.stringify(l.field_data), String(i));
      return { i, id, l, createdTime };
    });
    const existing = new Set((await tx.leads.getMany(leadInputs.map((x) => x.id))).map((l) => l.id));
    const fresh = leadInputs.filter((x) => !existing.has(x.id));
    summary.leadsSkipped = leadInputs.length - fresh.length;
    for (const x of fresh) {
      if (x.l.submitted_by !== undefined) needUser(x.l.submitted_by, `leads[${x.i}].submitted_by`);
    }
    try {
      await services.intake.create(
        fresh.map((x) => ({
          id: x.id,
          formId: x.l.form_id,
          adId: x.l.ad_id ?? null,
          platform: x.l.platform,
          createdTime: x.createdTime,
          fieldData: x.l.field_data,
          customDisclaimerResponses: x.l.custom_disclaimer_responses.map((r) => ({
            checkbox_key: r.checkbox_key,
            is_checked: r.is_checked === true ? "1" : r.is_checked === false ? "" : r.is_checked,
          })),
          partnerName: x.l.partner_name ?? null,
          retailerItemId: x.l.retailer_item_id ?? null,
          submitterUserId: x.l.submitted_by ?? null,
          isTest: x.l.is_test,
        })),
        { source: "world", fireWebhooks: false, allowArchived: true, store: tx },
      );
    } catch (e) {
      if (e instanceof LeadInputError) {
        // Re-number the path from the fresh list back to the file's own index.
        const m = /^leads\[(\d+)\](.*)$/.exec(e.path);
        const fileIndex = m ? fresh[Number(m[1])]!.i : 0;
        throw new WorldError(`leads[${fileIndex}]${m?.[2] ?? ""}`, e.message.replace(/^\(#100\) [^:]+: /, ""));
      }
      throw e;
    }
    summary.leads = fresh.length;
    for (const [i, t] of world.tokens.entries()) {
      const at = `tokens[${i}]`;
      if (!appIds.has(t.app_id)) throw new WorldError(`${at}.app_id`, `no app with id ${t.app_id}`);
      if (t.user_id !== undefined) needUser(t.user_id, `${at}.user_id`);
      if ((t.type === "USER" || t.type === "SYSTEM_USER") && t.user_id === undefined)
        throw new WorldError(`${at}.user_id`, `is required for ${t.type} tokens`);
      if (t.type === "PAGE") {
        if (t.page_id === undefined) throw new WorldError(`${at}.page_id`, "is required for PAGE tokens");
        if (!pageIds.has(t.page_id)) throw new WorldError(`${at}.page_id`, `no page with id ${t.page_id}`);
      }
      const expiresAt = t.expires_at === null ? null : time(t.expires_at, `${at}.expires_at`, now);
      const record: TokenRecord = {
        id: stableId("token", t.token),
        type: t.type,
        appId: t.app_id,
        userId: t.user_id ?? null,
        pageId: t.type === "PAGE" ? t.page_id! : null,
        scopes: t.scopes,
        issuedAt: time(t.issued_at, `${at}.issued_at`, now),
        expiresAt,
        dataAccessExpiresAt: null,
        longLived: t.long_lived ?? (expiresAt === null || expiresAt - now > 2 * 86_400),
        invalidatedSubcode: null,
        invalidatedReason: null,
        label: t.label ?? null,
        displayPrefix: `${t.token.slice(0, 6)}…`,
      };
      await tx.tokens.insert(record, services.hashToken(t.token));
      summary.tokens++;
    }
    for (const [i, s] of world.subscriptions.entries()) {
      if (!appIds.has(s.app_id)) throw new WorldError(`subscriptions[${i}].app_id`, `no app with id ${s.app_id}`);
      const verdict = services.outbound.checkUrl(s.callback_url);
      if (!verdict.ok) throw new WorldError(`subscriptions[${i}].callback_url`, describeRefusal(verdict));
      await tx.subscriptions.upsert({
        appId: s.app_id,
        object: s.object,
        callbackUrl: s.callback_url,
        fields: s.fields,
        verifyToken: s.verify_token,
        includeValues: s.include_values,
        active: true,
        createdTime: now,
      });
    }
    for (const [i, s] of world.subscribed_apps.entries()) {
      if (!pageIds.has(s.page_id)) throw new WorldError(`subscribed_apps[${i}].page_id`, `no page with id ${s.page_id}`);
      if (!appIds.has(s.app_id)) throw new WorldError(`subscribed_apps[${i}].app_id`, `no app with id ${s.app_id}`);
      await tx.subscriptions.upsertInstall({ pageId: s.page_id, appId: s.app_id, subscribedFields: s.subscribed_fields, createdTime: now });
    }
    return summary;
  });
}
