import { randomBytes } from "node:crypto";
import { z } from "zod";
import { appDeleted, appRemovedByUser } from "../domain/access/invalidation.ts";
import { nowSeconds } from "../domain/clock.ts";
import type { AppRecord, AppRole } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, graphTime, need, needRef, pageOf, parseBody, timeField } from "./admin-kit.ts";
import { appRoleName, nameText, numericId, strict, timeInput } from "./schemas.ts";

const createApp = strict({
  id: numericId.optional(),
  name: nameText,
  secret: z.string().min(8).max(256).optional(),
  mode: z.enum(["live", "development"]).default("live"),
  created_time: timeInput.optional(),
  require_appsecret_proof: z.boolean().default(false),
  roles: z.array(strict({ user_id: numericId, role: appRoleName })).default([]),
});
const changeApp = strict({
  name: nameText.optional(),
  mode: z.enum(["live", "development"]).optional(),
  require_appsecret_proof: z.boolean().optional(),
});

export const renderApp = (a: AppRecord, roles: readonly AppRole[]) => ({
  id: a.id, name: a.name, mode: a.mode, require_appsecret_proof: a.requireAppsecretProof,
  created_time: graphTime(a.createdTime), roles: roles.map((r) => ({ user_id: r.userId, role: r.role })),
});

/**
 * Apps: the secret is shown once, in the answer that generated it (create without `secret`, or
 * `POST /apps/{id}/secret`); it is stored sealed and never returned otherwise.
 */
export const appsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const dir = services.store.directory;
  const full = async (a: AppRecord) => renderApp(a, await dir.appRoles(a.id));

  r.get("/apps", async (req) => {
    const apps = await dir.listApps();
    const roles = new Map<string, AppRole[]>();
    for (const a of apps) roles.set(a.id, await dir.appRoles(a.id));
    return pageOf(apps, (a) => a.id, req, (a) => renderApp(a, roles.get(a.id) ?? []));
  });
  r.post("/apps", async (req) => {
    const b = parseBody(createApp, req.body);
    const id = b.id ?? services.ids.next();
    if (await dir.getApp(id)) throw conflict(`An app with id ${id} already exists`);
    for (const [i, role] of b.roles.entries()) needRef(await dir.getUser(role.user_id), `roles.${i}.user_id`, "user", role.user_id);
    const secret = b.secret ?? randomBytes(16).toString("hex");
    const record: AppRecord = {
      id, name: b.name, secret, mode: b.mode, requireAppsecretProof: b.require_appsecret_proof,
      createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
    };
    await services.store.transaction(async (tx) => {
      await tx.directory.upsertApp(record);
      await tx.directory.setAppRoles(id, b.roles.map((x) => ({ appId: id, userId: x.user_id, role: x.role })));
    });
    const out: Record<string, unknown> = await full(record);
    if (b.secret === undefined) out.secret = secret;
    return out;
  });
  r.get("/apps/:id", async (req) => full(need(await dir.getApp(req.params.id!), "app", req.params.id!)));
  r.post("/apps/:id", async (req) => {
    const current = need(await dir.getApp(req.params.id!), "app", req.params.id!);
    const b = parseBody(changeApp, req.body);
    const next: AppRecord = {
      ...current, name: b.name ?? current.name, mode: b.mode ?? current.mode,
      requireAppsecretProof: b.require_appsecret_proof ?? current.requireAppsecretProof,
    };
    await dir.upsertApp(next);
    return full(next);
  });
  r.post("/apps/:id/secret", async (req) => {
    const current = need(await dir.getApp(req.params.id!), "app", req.params.id!);
    const secret = randomBytes(16).toString("hex");
    await dir.upsertApp({ ...current, secret });
    return { ...(await full(current)), secret };
  });
  r.delete("/apps/:id", async (req) => {
    need(await dir.getApp(req.params.id!), "app", req.params.id!);
    const invalidated = await services.store.transaction(async (tx) => {
      const n = await appDeleted(tx, req.params.id!);
      await tx.directory.deleteApp(req.params.id!);
      return n;
    });
    return { success: true, tokens_invalidated: invalidated };
  });
  r.put("/apps/:id/roles/:userId", async (req) => {
    const a = need(await dir.getApp(req.params.id!), "app", req.params.id!);
    need(await dir.getUser(req.params.userId!), "user", req.params.userId!);
    const { role } = parseBody(strict({ role: appRoleName }), req.body);
    const roles = (await dir.appRoles(a.id)).filter((x) => x.userId !== req.params.userId);
    await dir.setAppRoles(a.id, [...roles, { appId: a.id, userId: req.params.userId!, role }]);
    return full(a);
  });
  r.delete("/apps/:id/roles/:userId", async (req) => {
    const a = need(await dir.getApp(req.params.id!), "app", req.params.id!);
    await dir.setAppRoles(a.id, (await dir.appRoles(a.id)).filter((x) => x.userId !== req.params.userId));
    return full(a);
  });
  /** The person removes the app from their account: their tokens of it answer 190/458. */
  r.delete("/users/:userId/apps/:id", async (req) => {
    need(await dir.getApp(req.params.id!), "app", req.params.id!);
    need(await dir.getUser(req.params.userId!), "user", req.params.userId!);
    return { success: true, tokens_invalidated: await appRemovedByUser(services.store, req.params.id!, req.params.userId!) };
  });
};
