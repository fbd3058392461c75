import { z } from "zod";
import type { AdAccountRecord, AdAccountRole } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, need, needRef, pageOf, parseBody } from "./admin-kit.ts";
import { adAccountId, adAccountRoleName, nameText, numericId, strict } from "./schemas.ts";

const renderAccount = (a: AdAccountRecord, roles: readonly AdAccountRole[]) => ({
  id: a.id, name: a.name, users: roles.map((r) => ({ user_id: r.userId, role: r.role })),
});

/** Ad accounts and their people: ADMIN or ADVERTISER (with ads_management) see ad-level lead fields. */
export const adAccountsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const store = runtime.services.store;
  const dir = store.directory;
  const account = async (id: string) => need(await dir.getAdAccount(id), "ad account", id);
  const full = async (a: AdAccountRecord) => renderAccount(a, await dir.adAccountRoles(a.id));

  r.get("/ad_accounts", async (req) => {
    const accounts = await store.catalog.listAdAccounts();
    const rendered = new Map<string, unknown>();
    for (const a of accounts) rendered.set(a.id, await full(a));
    return pageOf(accounts, (a) => a.id, req, (a) => rendered.get(a.id));
  });
  r.post("/ad_accounts", async (req) => {
    const b = parseBody(strict({
      id: adAccountId, name: nameText,
      users: z.array(strict({ user_id: numericId, role: adAccountRoleName })).default([]),
    }), req.body);
    if (await dir.getAdAccount(b.id)) throw conflict(`An ad account with id ${b.id} already exists`);
    for (const [i, u] of b.users.entries()) needRef(await dir.getUser(u.user_id), `users.${i}.user_id`, "user", u.user_id);
    await store.transaction(async (tx) => {
      await tx.directory.upsertAdAccount({ id: b.id, name: b.name });
      for (const u of b.users) await tx.directory.setAdAccountRole({ accountId: b.id, userId: u.user_id, role: u.role });
    });
    return full({ id: b.id, name: b.name });
  });
  r.get("/ad_accounts/:id", async (req) => full(await account(req.params.id!)));
  r.post("/ad_accounts/:id", async (req) => {
    await account(req.params.id!);
    const b = parseBody(strict({ name: nameText }), req.body);
    await dir.upsertAdAccount({ id: req.params.id!, name: b.name });
    return full({ id: req.params.id!, name: b.name });
  });
  r.delete("/ad_accounts/:id", async (req) => {
    await account(req.params.id!);
    const n = await store.catalog.countChildren("campaigns", "account_id", req.params.id!);
    if (n > 0) throw conflict(`Ad account ${req.params.id} still has ${n} campaign(s); delete them first`);
    await store.catalog.deleteAdAccount(req.params.id!);
    return { success: true };
  });
  r.put("/ad_accounts/:id/users/:userId", async (req) => {
    const a = await account(req.params.id!);
    need(await dir.getUser(req.params.userId!), "user", req.params.userId!);
    const { role } = parseBody(strict({ role: adAccountRoleName }), req.body);
    await dir.setAdAccountRole({ accountId: a.id, userId: req.params.userId!, role });
    return full(a);
  });
  r.delete("/ad_accounts/:id/users/:userId", async (req) => {
    const a = await account(req.params.id!);
    await store.catalog.removeAdAccountRole(a.id, req.params.userId!);
    return full(a);
  });
};
