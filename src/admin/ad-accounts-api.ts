import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { adAccountId, adAccountRoleName, nameText, numericId, strict } from "./schemas.ts";

const tag = "ad_accounts";
const id = z.object({ id: z.string() });
const idAndUser = z.object({ id: z.string(), userId: z.string() });
export const adAccount = z.object({
  id: z.string(),
  name: z.string(),
  users: z.array(z.object({ user_id: z.string(), role: z.string() })),
});

export const adAccountsApi = {
  list: adminRoute({
    method: "GET",
    path: "/ad_accounts",
    tag,
    summary: "List ad accounts with their people",
    query: pageQuery,
    response: listOf(adAccount),
  }),
  create: adminRoute({
    method: "POST",
    path: "/ad_accounts",
    tag,
    summary: "Create an ad account",
    body: strict({ id: adAccountId, name: nameText, users: z.array(strict({ user_id: numericId, role: adAccountRoleName })).default([]) }),
    response: adAccount,
  }),
  get: adminRoute({ method: "GET", path: "/ad_accounts/:id", tag, summary: "An ad account", params: id, response: adAccount }),
  rename: adminRoute({
    method: "POST",
    path: "/ad_accounts/:id",
    tag,
    summary: "Rename an ad account",
    params: id,
    body: strict({ name: nameText }),
    response: adAccount,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/ad_accounts/:id",
    tag,
    summary: "Delete an ad account without campaigns",
    params: id,
    response: success,
  }),
  setRole: adminRoute({
    method: "PUT",
    path: "/ad_accounts/:id/users/:userId",
    tag,
    summary: "Give a user a role on the ad account",
    params: idAndUser,
    body: strict({ role: adAccountRoleName }),
    response: adAccount,
  }),
  removeRole: adminRoute({
    method: "DELETE",
    path: "/ad_accounts/:id/users/:userId",
    tag,
    summary: "Take a user's role on the ad account away",
    params: idAndUser,
    response: adAccount,
  }),
};
