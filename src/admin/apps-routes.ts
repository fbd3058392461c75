import { randomBytes } from "node:crypto";
import { appDeleted, appRemovedByUser } from "../domain/access/invalidation.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { AppRecord, AppRole } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, graphTime, need, needRef, pageOf, timeField } from "./admin-kit.ts";
import { appsApi } from "./apps-api.ts";

export const renderApp = (a: AppRecord, roles: readonly AppRole[]) => ({
  id: a.id,
  name: a.name,
  mode: a.mode,
  require_appsecret_proof: a.requireAppsecretProof,
  created_time: graphTime(a.createdTime),
  roles: roles.map((r) => ({ user_id: r.userId, role: r.role })),
});

/**
 * Apps: the secret is shown once, in the answer that generated it (create without `secret`, or
 * `POST /apps/{id}/secret`); it is stored sealed and never returned otherwise.
 */
export const appsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const dir = services.store.directory;
  const full = async (a: AppRecord) => renderApp(a, await dir.appRoles(a.id));

  add(appsApi.list, async (call) => {
    const apps = await dir.listApps();
    const roles = new Map<string, AppRole[]>();
    for (const a of apps) roles.set(a.id, await dir.appRoles(a.id));
    return pageOf(
      apps,
      (a) => a.id,
      call,
      (a) => renderApp(a, roles.get(a.id) ?? []),
    );
  });
  add(appsApi.create, async ({ body: b }) => {
    const id = b.id ?? services.ids.next();
    if (await dir.getApp(id)) throw conflict(`An app with id ${id} already exists`);
    for (const [i, role] of b.roles.entries()) needRef(await dir.getUser(role.user_id), `roles.${i}.user_id`, "user", role.user_id);
    const secret = b.secret ?? randomBytes(16).toString("hex");
    const record: AppRecord = {
      id,
      name: b.name,
      secret,
      mode: b.mode,
      requireAppsecretProof: b.require_appsecret_proof,
      createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
    };
    await services.store.transaction(async (tx) => {
      await tx.directory.upsertApp(record);
      await tx.directory.setAppRoles(
        id,
        b.roles.map((x) => ({ appId: id, userId: x.user_id, role: x.role })),
      );
    });
    const out = await full(record);
    return b.secret === undefined ? { ...out, secret } : out;
  });
  add(appsApi.get, async ({ params }) => full(need(await dir.getApp(params.id), "app", params.id)));
  add(appsApi.change, async ({ params, body: b }) => {
    const current = need(await dir.getApp(params.id), "app", params.id);
    const next: AppRecord = {
      ...current,
      name: b.name ?? current.name,
      mode: b.mode ?? current.mode,
      requireAppsecretProof: b.require_appsecret_proof ?? current.requireAppsecretProof,
    };
    await dir.upsertApp(next);
    return full(next);
  });
  add(appsApi.newSecret, async ({ params }) => {
    const current = need(await dir.getApp(params.id), "app", params.id);
    const secret = randomBytes(16).toString("hex");
    await dir.upsertApp({ ...current, secret });
    return { ...(await full(current)), secret };
  });
  add(appsApi.delete, async ({ params }) => {
    need(await dir.getApp(params.id), "app", params.id);
    const invalidated = await services.store.transaction(async (tx) => {
      const n = await appDeleted(tx, params.id);
      await tx.directory.deleteApp(params.id);
      return n;
    });
    return { success: true, tokens_invalidated: invalidated };
  });
  add(appsApi.setRole, async ({ params, body }) => {
    const a = need(await dir.getApp(params.id), "app", params.id);
    need(await dir.getUser(params.userId), "user", params.userId);
    const { role } = body;
    const roles = (await dir.appRoles(a.id)).filter((x) => x.userId !== params.userId);
    await dir.setAppRoles(a.id, [...roles, { appId: a.id, userId: params.userId, role }]);
    return full(a);
  });
  add(appsApi.removeRole, async ({ params }) => {
    const a = need(await dir.getApp(params.id), "app", params.id);
    await dir.setAppRoles(
      a.id,
      (await dir.appRoles(a.id)).filter((x) => x.userId !== params.userId),
    );
    return full(a);
  });
  /** The person removes the app from their account: their tokens of it answer 190/458. */
  add(appsApi.removedByUser, async ({ params }) => {
    need(await dir.getApp(params.id), "app", params.id);
    need(await dir.getUser(params.userId), "user", params.userId);
    return { success: true, tokens_invalidated: await appRemovedByUser(services.store, params.id, params.userId) };
  });
};
