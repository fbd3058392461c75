import { z } from "zod";
import { adminRoute, listOf, pageQuery } from "./admin-spec.ts";
import { appRoleName, nameText, numericId, strict, timeInput } from "./schemas.ts";
import { invalidatedTokens } from "./users-api.ts";

const tag = "apps";
const id = z.object({ id: z.string() });
const idAndUser = z.object({ id: z.string(), userId: z.string() });
const appMode = z.enum(["live", "development"]);
export const app = z.object({
  id: z.string(),
  name: z.string(),
  mode: appMode,
  require_appsecret_proof: z.boolean(),
  created_time: z.string().nullable(),
  roles: z.array(z.object({ user_id: z.string(), role: appRoleName })),
});
/** The secret appears in the one answer that generated it. */
const appWithSecret = app.extend({ secret: z.string().optional() });

export const appsApi = {
  list: adminRoute({ method: "GET", path: "/apps", tag, summary: "List apps with their roles", query: pageQuery, response: listOf(app) }),
  create: adminRoute({
    method: "POST",
    path: "/apps",
    tag,
    summary: "Create an app (without `secret`, one is generated and shown once)",
    body: strict({
      id: numericId.optional(),
      name: nameText,
      secret: z.string().min(8).max(256).optional(),
      mode: appMode.default("live"),
      created_time: timeInput.optional(),
      require_appsecret_proof: z.boolean().default(false),
      roles: z.array(strict({ user_id: numericId, role: appRoleName })).default([]),
    }),
    response: appWithSecret,
  }),
  get: adminRoute({ method: "GET", path: "/apps/:id", tag, summary: "An app", params: id, response: app }),
  change: adminRoute({
    method: "POST",
    path: "/apps/:id",
    tag,
    summary: "Change an app's name, mode or appsecret_proof requirement",
    params: id,
    body: strict({ name: nameText.optional(), mode: appMode.optional(), require_appsecret_proof: z.boolean().optional() }),
    response: app,
  }),
  newSecret: adminRoute({
    method: "POST",
    path: "/apps/:id/secret",
    tag,
    summary: "Generate a new app secret (shown once)",
    params: id,
    response: app.extend({ secret: z.string() }),
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/apps/:id",
    tag,
    summary: "Delete an app; its tokens answer 190/458",
    params: id,
    response: invalidatedTokens,
  }),
  setRole: adminRoute({
    method: "PUT",
    path: "/apps/:id/roles/:userId",
    tag,
    summary: "Give a user a role on the app",
    params: idAndUser,
    body: strict({ role: appRoleName }),
    response: app,
  }),
  removeRole: adminRoute({
    method: "DELETE",
    path: "/apps/:id/roles/:userId",
    tag,
    summary: "Take a user's role on the app away",
    params: idAndUser,
    response: app,
  }),
  removedByUser: adminRoute({
    method: "DELETE",
    path: "/users/:userId/apps/:id",
    tag,
    summary: "The person removes the app from their account: their tokens of it answer 190/458",
    params: idAndUser,
    response: invalidatedTokens,
  }),
};
