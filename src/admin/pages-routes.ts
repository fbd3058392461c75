import { z } from "zod";
import { removePageRole } from "../domain/access/invalidation.ts";
import { LEAD_TASKS } from "../domain/access/lead-access.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { LeadAccess, PageLocation, PageRecord, PageRole } from "../domain/model.ts";
import type { Store } from "../domain/ports.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, graphTime, need, needRef, pageOf, parseBody, timeField } from "./admin-kit.ts";
import { nameText, numericId, shortText, strict, tasksInput, timeInput } from "./schemas.ts";

const location = {
  name: nameText, street: shortText.default(""), city: shortText.default(""), zip: shortText.default(""),
  country: shortText.default(""), latitude: z.number().nullable().default(null), longitude: z.number().nullable().default(null),
};
const leadAccessInput = strict({ user_ids: z.array(numericId).default([]), app_ids: z.array(numericId).default([]) });
const createPage = strict({
  id: numericId.optional(),
  name: nameText,
  category: nameText.default("Business"),
  created_time: timeInput.optional(),
  roles: z.array(strict({ user_id: numericId, tasks: tasksInput })).default([]),
  lead_access: leadAccessInput.nullable().default(null),
  locations: z.array(strict({ store_number: nameText, ...location })).default([]),
});
const changePage = strict({
  name: nameText.optional(),
  category: nameText.optional(),
  lead_access: leadAccessInput.nullable().optional(),
});

const renderLeadAccess = (la: LeadAccess | null) => (la === null ? null : { user_ids: la.userIds, app_ids: la.appIds });
const renderRole = (r: PageRole) => ({ user_id: r.userId, tasks: r.tasks });
const renderLocation = (l: PageLocation) => ({
  store_number: l.storeNumber, name: l.name, street: l.street, city: l.city, zip: l.zip, country: l.country,
  latitude: l.latitude, longitude: l.longitude,
});

async function renderPage(store: Store, p: PageRecord) {
  return {
    id: p.id, name: p.name, category: p.category, created_time: graphTime(p.createdTime),
    lead_access: renderLeadAccess(p.leadAccess),
    roles: (await store.directory.pageRoles(p.id)).map(renderRole),
    locations: (await store.directory.locations(p.id)).map(renderLocation),
  };
}

/**
 * Customising the Leads Access Manager one assignment at a time starts from what was allowed
 * before (as Meta's settings page does): every app, and the people with MANAGE or MANAGE_LEADS.
 */
async function defaultLeadAccess(store: Store, pageId: string): Promise<LeadAccess> {
  const roles = await store.directory.pageRoles(pageId);
  return {
    userIds: roles.filter((r) => r.tasks.some((t) => (LEAD_TASKS as readonly string[]).includes(t))).map((r) => r.userId),
    appIds: (await store.directory.listApps()).map((a) => a.id),
  };
}

async function checkLeadAccessRefs(store: Store, la: { user_ids: string[]; app_ids: string[] } | null | undefined, field: string): Promise<void> {
  if (!la) return;
  for (const [i, u] of la.user_ids.entries()) needRef(await store.directory.getUser(u), `${field}.user_ids.${i}`, "user", u);
  for (const [i, a] of la.app_ids.entries()) needRef(await store.directory.getApp(a), `${field}.app_ids.${i}`, "app", a);
}

/**
 * Pages with their roles (tasks), locations and Leads Access Manager. `lead_access: null` means never
 * customised (admins and MANAGE_LEADS users read leads); an object lists the only people and apps
 * that may. Removing a role invalidates that person's page tokens for the page (190/492).
 */
export const pagesRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const page = async (id: string) => need(await dir.getPage(id), "page", id);

  r.get("/pages", async (req) => {
    const pages = await dir.listPages();
    const rendered = new Map<string, unknown>();
    for (const p of pages) rendered.set(p.id, await renderPage(store, p));
    return pageOf(pages, (p) => p.id, req, (p) => rendered.get(p.id));
  });
  r.post("/pages", async (req) => {
    const b = parseBody(createPage, req.body);
    const id = b.id ?? services.ids.next();
    if (await dir.getPage(id)) throw conflict(`A page with id ${id} already exists`);
    for (const [i, role] of b.roles.entries()) needRef(await dir.getUser(role.user_id), `roles.${i}.user_id`, "user", role.user_id);
    await checkLeadAccessRefs(store, b.lead_access, "lead_access");
    const record: PageRecord = {
      id, name: b.name, category: b.category, createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
      leadAccess: b.lead_access === null ? null : { userIds: b.lead_access.user_ids, appIds: b.lead_access.app_ids },
    };
    await store.transaction(async (tx) => {
      await tx.directory.upsertPage(record);
      for (const role of b.roles) await tx.directory.setPageRole({ pageId: id, userId: role.user_id, tasks: role.tasks });
      for (const l of b.locations) {
        await tx.directory.upsertLocation({
          pageId: id, storeNumber: l.store_number, name: l.name, street: l.street, city: l.city, zip: l.zip, country: l.country,
          latitude: l.latitude, longitude: l.longitude,
        });
      }
    });
    return renderPage(store, record);
  });
  r.get("/pages/:id", async (req) => renderPage(store, await page(req.params.id!)));
  r.post("/pages/:id", async (req) => {
    const current = await page(req.params.id!);
    const b = parseBody(changePage, req.body);
    await checkLeadAccessRefs(store, b.lead_access, "lead_access");
    const next: PageRecord = {
      ...current, name: b.name ?? current.name, category: b.category ?? current.category,
      leadAccess: b.lead_access === undefined ? current.leadAccess
        : b.lead_access === null ? null : { userIds: b.lead_access.user_ids, appIds: b.lead_access.app_ids },
    };
    await dir.upsertPage(next);
    return renderPage(store, next);
  });
  r.delete("/pages/:id", async (req) => {
    await page(req.params.id!);
    const forms = await store.catalog.countChildren("forms", "page_id", req.params.id!);
    if (forms > 0) throw conflict(`Page ${req.params.id} still has ${forms} lead form(s); archive or remove them first`);
    await store.transaction(async (tx) => {
      await tx.tokens.invalidate({ pageId: req.params.id! }, 492, "The session is invalid because the page was removed.");
      await tx.catalog.deletePage(req.params.id!);
    });
    return { success: true };
  });

  r.get("/pages/:id/roles", async (req) => {
    await page(req.params.id!);
    const roles = await dir.pageRoles(req.params.id!);
    return pageOf(roles, (x) => x.userId, req, renderRole);
  });
  r.put("/pages/:id/roles/:userId", async (req) => {
    await page(req.params.id!);
    need(await dir.getUser(req.params.userId!), "user", req.params.userId!);
    const { tasks } = parseBody(strict({ tasks: tasksInput }), req.body);
    await dir.setPageRole({ pageId: req.params.id!, userId: req.params.userId!, tasks });
    return { user_id: req.params.userId, tasks };
  });
  r.delete("/pages/:id/roles/:userId", async (req) => {
    await page(req.params.id!);
    const had = (await dir.pageRoles(req.params.id!)).some((x) => x.userId === req.params.userId);
    if (!had) need(undefined, "role on this page for user", req.params.userId!);
    return { success: true, tokens_invalidated: await removePageRole(store, req.params.id!, req.params.userId!) };
  });

  r.get("/pages/:id/locations", async (req) => {
    await page(req.params.id!);
    return pageOf(await dir.locations(req.params.id!), (l) => l.storeNumber, req, renderLocation);
  });
  r.put("/pages/:id/locations/:store", async (req) => {
    await page(req.params.id!);
    const b = parseBody(strict(location), req.body);
    const loc: PageLocation = { pageId: req.params.id!, storeNumber: req.params.store!, ...b };
    await dir.upsertLocation(loc);
    return renderLocation(loc);
  });
  r.delete("/pages/:id/locations/:store", async (req) => {
    await page(req.params.id!);
    await store.catalog.removeLocation(req.params.id!, req.params.store!);
    return { success: true };
  });

  r.get("/pages/:id/lead_access", async (req) => ({ lead_access: renderLeadAccess((await page(req.params.id!)).leadAccess) }));
  r.put("/pages/:id/lead_access", async (req) => {
    const current = await page(req.params.id!);
    const b = parseBody(leadAccessInput, req.body);
    await checkLeadAccessRefs(store, b, "lead_access");
    const la = { userIds: b.user_ids, appIds: b.app_ids };
    await dir.upsertPage({ ...current, leadAccess: la });
    return { lead_access: renderLeadAccess(la) };
  });
  r.delete("/pages/:id/lead_access", async (req) => {
    const current = await page(req.params.id!);
    await dir.upsertPage({ ...current, leadAccess: null });
    return { lead_access: null };
  });
  for (const kind of ["users", "apps"] as const) {
    r.put(`/pages/:id/lead_access/${kind}/:target`, async (req) => {
      const current = await page(req.params.id!);
      const target = req.params.target!;
      if (kind === "users") need(await dir.getUser(target), "user", target);
      else need(await dir.getApp(target), "app", target);
      const la = current.leadAccess ?? (await defaultLeadAccess(store, current.id));
      const key = kind === "users" ? "userIds" : "appIds";
      const next = { ...la, [key]: [...new Set([...la[key], target])] };
      await dir.upsertPage({ ...current, leadAccess: next });
      return { lead_access: renderLeadAccess(next) };
    });
    r.delete(`/pages/:id/lead_access/${kind}/:target`, async (req) => {
      const current = await page(req.params.id!);
      const la = current.leadAccess ?? (await defaultLeadAccess(store, current.id));
      const key = kind === "users" ? "userIds" : "appIds";
      const next = { ...la, [key]: la[key].filter((x) => x !== req.params.target) };
      await dir.upsertPage({ ...current, leadAccess: next });
      return { lead_access: renderLeadAccess(next) };
    });
  }
};
