import type { AdAccountRecord, AdAccountRole } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, need, needRef, pageOf } from "./admin-kit.ts";
import { adAccountsApi } from "./ad-accounts-api.ts";

const renderAccount = (a: AdAccountRecord, roles: readonly AdAccountRole[]) => ({
  id: a.id,
  name: a.name,
  users: roles.map((r) => ({ user_id: r.userId, role: r.role })),
});

/** Ad accounts and their people: ADMIN or ADVERTISER (with ads_management) see ad-level lead fields. */
export const adAccountsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const store = runtime.services.store;
  const dir = store.directory;
  const account = async (id: string) => need(await dir.getAdAccount(id), "ad account", id);
  const full = async (a: AdAccountRecord) => renderAccount(a, await dir.adAccountRoles(a.id));

  add(adAccountsApi.list, async (call) => {
    const accounts = await store.catalog.listAdAccounts();
    const rendered = new Map<string, ReturnType<typeof renderAccount>>();
    for (const a of accounts) rendered.set(a.id, await full(a));
    return pageOf(
      accounts,
      (a) => a.id,
      call,
      (a) => rendered.get(a.id)!,
    );
  });
  add(adAccountsApi.create, async ({ body: b }) => {
    if (await dir.getAdAccount(b.id)) throw conflict(`An ad account with id ${b.id} already exists`);
    for (const [i, u] of b.users.entries()) needRef(await dir.getUser(u.user_id), `users.${i}.user_id`, "user", u.user_id);
    await store.transaction(async (tx) => {
      await tx.directory.upsertAdAccount({ id: b.id, name: b.name });
      for (const u of b.users) await tx.directory.setAdAccountRole({ accountId: b.id, userId: u.user_id, role: u.role });
    });
    return full({ id: b.id, name: b.name });
  });
  add(adAccountsApi.get, async ({ params }) => full(await account(params.id)));
  add(adAccountsApi.rename, async ({ params, body }) => {
    await account(params.id);
    await dir.upsertAdAccount({ id: params.id, name: body.name });
    return full({ id: params.id, name: body.name });
  });
  add(adAccountsApi.delete, async ({ params }) => {
    await account(params.id);
    const n = await store.catalog.countChildren("campaigns", "account_id", params.id);
    if (n > 0) throw conflict(`Ad account ${params.id} still has ${n} campaign(s); delete them first`);
    await store.catalog.deleteAdAccount(params.id);
    return { success: true };
  });
  add(adAccountsApi.setRole, async ({ params, body }) => {
    const a = await account(params.id);
    need(await dir.getUser(params.userId), "user", params.userId);
    await dir.setAdAccountRole({ accountId: a.id, userId: params.userId, role: body.role });
    return full(a);
  });
  add(adAccountsApi.removeRole, async ({ params }) => {
    const a = await account(params.id);
    await store.catalog.removeAdAccountRole(a.id, params.userId);
    return full(a);
  });
};
