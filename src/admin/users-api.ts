import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { nameText, numericId, strict } from "./schemas.ts";

const tag = "users";
const id = z.object({ id: z.string() });
export const user = z.object({ id: z.string(), name: z.string() });
export const invalidatedTokens = success.extend({ tokens_invalidated: z.number().int() });

export const usersApi = {
  list: adminRoute({ method: "GET", path: "/users", tag, summary: "List users", query: pageQuery, response: listOf(user) }),
  create: adminRoute({
    method: "POST",
    path: "/users",
    tag,
    summary: "Create a user",
    body: strict({ id: numericId.optional(), name: nameText }),
    response: user,
  }),
  get: adminRoute({
    method: "GET",
    path: "/users/:id",
    tag,
    summary: "A user with their page roles",
    params: id,
    response: user.extend({ page_roles: z.array(z.object({ page_id: z.string(), tasks: z.array(z.string()) })) }),
  }),
  rename: adminRoute({
    method: "POST",
    path: "/users/:id",
    tag,
    summary: "Rename a user",
    params: id,
    body: strict({ name: nameText }),
    response: user,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/users/:id",
    tag,
    summary: "Delete a user; their tokens answer 190/467",
    params: id,
    response: invalidatedTokens,
  }),
  passwordChange: adminRoute({
    method: "POST",
    path: "/users/:id/password_change",
    tag,
    summary: "The user changes their password: their sessions end (190/460)",
    params: id,
    response: invalidatedTokens,
  }),
};
