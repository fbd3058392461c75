import { passwordChanged } from "../domain/access/invalidation.ts";
import { INVALIDATION_MESSAGES } from "../domain/access/authenticate.ts";
import type { UserRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, need, pageOf, parseBody } from "./admin-kit.ts";
import { nameText, numericId, strict } from "./schemas.ts";

export const renderUser = (u: UserRecord) => ({ id: u.id, name: u.name });

/** Users, and the password change that ends all their sessions (190/460). */
export const usersRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const dir = services.store.directory;

  r.get("/users", async (req) => pageOf(await dir.listUsers(), (u) => u.id, req, renderUser));
  r.post("/users", async (req) => {
    const b = parseBody(strict({ id: numericId.optional(), name: nameText }), req.body);
    const id = b.id ?? services.ids.next();
    if (await dir.getUser(id)) throw conflict(`A user with id ${id} already exists`);
    await dir.upsertUser({ id, name: b.name });
    return renderUser({ id, name: b.name });
  });
  r.get("/users/:id", async (req) => {
    const u = need(await dir.getUser(req.params.id!), "user", req.params.id!);
    const roles = await dir.rolesOfUser(u.id);
    return { ...renderUser(u), page_roles: roles.map((x) => ({ page_id: x.pageId, tasks: x.tasks })) };
  });
  r.post("/users/:id", async (req) => {
    need(await dir.getUser(req.params.id!), "user", req.params.id!);
    const b = parseBody(strict({ name: nameText }), req.body);
    await dir.upsertUser({ id: req.params.id!, name: b.name });
    return renderUser({ id: req.params.id!, name: b.name });
  });
  r.delete("/users/:id", async (req) => {
    need(await dir.getUser(req.params.id!), "user", req.params.id!);
    const n = await services.store.transaction(async (tx) => {
      const count = await tx.tokens.invalidate({ userId: req.params.id! }, 467, INVALIDATION_MESSAGES[467]!);
      await tx.catalog.deleteUser(req.params.id!);
      return count;
    });
    return { success: true, tokens_invalidated: n };
  });
  r.post("/users/:id/password_change", async (req) => {
    need(await dir.getUser(req.params.id!), "user", req.params.id!);
    return { success: true, tokens_invalidated: await passwordChanged(services.store, req.params.id!) };
  });
};
