import { passwordChanged } from "../domain/access/invalidation.ts";
import { INVALIDATION_MESSAGES } from "../domain/access/authenticate.ts";
import type { UserRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, need, pageOf } from "./admin-kit.ts";
import { usersApi } from "./users-api.ts";

export const renderUser = (u: UserRecord) => ({ id: u.id, name: u.name });

/** Users, and the password change that ends all their sessions (190/460). */
export const usersRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const dir = services.store.directory;

  add(usersApi.list, async (call) => pageOf(await dir.listUsers(), (u) => u.id, call, renderUser));
  add(usersApi.create, async ({ body: b }) => {
    const id = b.id ?? services.ids.next();
    if (await dir.getUser(id)) throw conflict(`A user with id ${id} already exists`);
    await dir.upsertUser({ id, name: b.name });
    return renderUser({ id, name: b.name });
  });
  add(usersApi.get, async ({ params }) => {
    const u = need(await dir.getUser(params.id), "user", params.id);
    const roles = await dir.rolesOfUser(u.id);
    return { ...renderUser(u), page_roles: roles.map((x) => ({ page_id: x.pageId, tasks: [...x.tasks] })) };
  });
  add(usersApi.rename, async ({ params, body }) => {
    need(await dir.getUser(params.id), "user", params.id);
    await dir.upsertUser({ id: params.id, name: body.name });
    return renderUser({ id: params.id, name: body.name });
  });
  add(usersApi.delete, async ({ params }) => {
    need(await dir.getUser(params.id), "user", params.id);
    const n = await services.store.transaction(async (tx) => {
      const count = await tx.tokens.invalidate({ userId: params.id }, 467, INVALIDATION_MESSAGES[467]!);
      await tx.catalog.deleteUser(params.id);
      return count;
    });
    return { success: true, tokens_invalidated: n };
  });
  add(usersApi.passwordChange, async ({ params }) => {
    need(await dir.getUser(params.id), "user", params.id);
    return { success: true, tokens_invalidated: await passwordChanged(services.store, params.id) };
  });
};
