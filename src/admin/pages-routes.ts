import { removePageRole } from "../domain/access/invalidation.ts";
import { LEAD_TASKS } from "../domain/access/lead-access.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { LeadAccess, PageLocation, PageRecord, PageRole } from "../domain/model.ts";
import type { Store } from "../domain/ports.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, graphTime, need, needRef, pageOf, timeField } from "./admin-kit.ts";
import { pagesApi } from "./pages-api.ts";

const renderLeadAccess = (la: LeadAccess | null) => (la === null ? null : { user_ids: la.userIds, app_ids: la.appIds });
const renderRole = (r: PageRole) => ({ user_id: r.userId, tasks: r.tasks });
const renderLocation = (l: PageLocation) => ({
  store_number: l.storeNumber,
  name: l.name,
  street: l.street,
  city: l.city,
  zip: l.zip,
  country: l.country,
  latitude: l.latitude,
  longitude: l.longitude,
});

async function renderPage(store: Store, p: PageRecord) {
  return {
    id: p.id,
    name: p.name,
    category: p.category,
    created_time: graphTime(p.createdTime),
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

async function checkLeadAccessRefs(
  store: Store,
  la: { user_ids: string[]; app_ids: string[] } | null | undefined,
  field: string,
): Promise<void> {
  if (!la) return;
  for (const [i, u] of la.user_ids.entries()) needRef(await store.directory.getUser(u), `${field}.user_ids.${i}`, "user", u);
  for (const [i, a] of la.app_ids.entries()) needRef(await store.directory.getApp(a), `${field}.app_ids.${i}`, "app", a);
}

/**
 * Pages with their roles (tasks), locations and Leads Access Manager. `lead_access: null` means never
 * customised (admins and MANAGE_LEADS users read leads); an object lists the only people and apps
 * that may. Removing a role invalidates that person's page tokens for the page (190/492).
 */
export const pagesRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const page = async (id: string) => need(await dir.getPage(id), "page", id);

  add(pagesApi.list, async (call) => {
    const pages = await dir.listPages();
    const rendered = new Map<string, Awaited<ReturnType<typeof renderPage>>>();
    for (const p of pages) rendered.set(p.id, await renderPage(store, p));
    return pageOf(
      pages,
      (p) => p.id,
      call,
      (p) => rendered.get(p.id)!,
    );
  });
  add(pagesApi.create, async ({ body: b }) => {
    const id = b.id ?? services.ids.next();
    if (await dir.getPage(id)) throw conflict(`A page with id ${id} already exists`);
    for (const [i, role] of b.roles.entries()) needRef(await dir.getUser(role.user_id), `roles.${i}.user_id`, "user", role.user_id);
    await checkLeadAccessRefs(store, b.lead_access, "lead_access");
    const record: PageRecord = {
      id,
      name: b.name,
      category: b.category,
      createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
      leadAccess: b.lead_access === null ? null : { userIds: b.lead_access.user_ids, appIds: b.lead_access.app_ids },
    };
    await store.transaction(async (tx) => {
      await tx.directory.upsertPage(record);
      for (const role of b.roles) await tx.directory.setPageRole({ pageId: id, userId: role.user_id, tasks: role.tasks });
      for (const l of b.locations) {
        await tx.directory.upsertLocation({
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
    });
    return renderPage(store, record);
  });
  add(pagesApi.get, async ({ params }) => renderPage(store, await page(params.id)));
  add(pagesApi.change, async ({ params, body: b }) => {
    const current = await page(params.id);
    await checkLeadAccessRefs(store, b.lead_access, "lead_access");
    const next: PageRecord = {
      ...current,
      name: b.name ?? current.name,
      category: b.category ?? current.category,
      leadAccess:
        b.lead_access === undefined
          ? current.leadAccess
          : b.lead_access === null
            ? null
            : { userIds: b.lead_access.user_ids, appIds: b.lead_access.app_ids },
    };
    await dir.upsertPage(next);
    return renderPage(store, next);
  });
  add(pagesApi.delete, async ({ params }) => {
    await page(params.id);
    const forms = await store.catalog.countChildren("forms", "page_id", params.id);
    if (forms > 0) throw conflict(`Page ${params.id} still has ${forms} lead form(s); archive or remove them first`);
    await store.transaction(async (tx) => {
      await tx.tokens.invalidate({ pageId: params.id }, 492, "The session is invalid because the page was removed.");
      await tx.catalog.deletePage(params.id);
    });
    return { success: true };
  });

  add(pagesApi.roles, async (call) => {
    const { params } = call;
    await page(params.id);
    const roles = await dir.pageRoles(params.id);
    return pageOf(roles, (x) => x.userId, call, renderRole);
  });
  add(pagesApi.setRole, async ({ params, body }) => {
    await page(params.id);
    need(await dir.getUser(params.userId), "user", params.userId);
    const { tasks } = body;
    await dir.setPageRole({ pageId: params.id, userId: params.userId, tasks });
    return { user_id: params.userId, tasks };
  });
  add(pagesApi.removeRole, async ({ params }) => {
    await page(params.id);
    const had = (await dir.pageRoles(params.id)).some((x) => x.userId === params.userId);
    if (!had) need(undefined, "role on this page for user", params.userId);
    return { success: true, tokens_invalidated: await removePageRole(store, params.id, params.userId) };
  });

  add(pagesApi.locations, async (call) => {
    const { params } = call;
    await page(params.id);
    return pageOf(await dir.locations(params.id), (l) => l.storeNumber, call, renderLocation);
  });
  add(pagesApi.setLocation, async ({ params, body: b }) => {
    await page(params.id);
    const loc: PageLocation = { pageId: params.id, storeNumber: params.store, ...b };
    await dir.upsertLocation(loc);
    return renderLocation(loc);
  });
  add(pagesApi.removeLocation, async ({ params }) => {
    await page(params.id);
    await store.catalog.removeLocation(params.id, params.store);
    return { success: true };
  });

  add(pagesApi.leadAccess, async ({ params }) => ({ lead_access: renderLeadAccess((await page(params.id)).leadAccess) }));
  add(pagesApi.setLeadAccess, async ({ params, body: b }) => {
    const current = await page(params.id);
    await checkLeadAccessRefs(store, b, "lead_access");
    const la = { userIds: b.user_ids, appIds: b.app_ids };
    await dir.upsertPage({ ...current, leadAccess: la });
    return { lead_access: renderLeadAccess(la) };
  });
  add(pagesApi.resetLeadAccess, async ({ params }) => {
    const current = await page(params.id);
    await dir.upsertPage({ ...current, leadAccess: null });
    return { lead_access: null };
  });
  add(pagesApi.allowInLeadAccess, async ({ params }) => {
    const current = await page(params.id);
    const { kind, target } = params;
    if (kind === "users") need(await dir.getUser(target), "user", target);
    else need(await dir.getApp(target), "app", target);
    const la = current.leadAccess ?? (await defaultLeadAccess(store, current.id));
    const key = kind === "users" ? "userIds" : "appIds";
    const next = { ...la, [key]: [...new Set([...la[key], target])] };
    await dir.upsertPage({ ...current, leadAccess: next });
    return { lead_access: renderLeadAccess(next) };
  });
  add(pagesApi.denyInLeadAccess, async ({ params }) => {
    const current = await page(params.id);
    const la = current.leadAccess ?? (await defaultLeadAccess(store, current.id));
    const key = params.kind === "users" ? "userIds" : "appIds";
    const next = { ...la, [key]: la[key].filter((x) => x !== params.target) };
    await dir.upsertPage({ ...current, leadAccess: next });
    return { lead_access: renderLeadAccess(next) };
  });
};
