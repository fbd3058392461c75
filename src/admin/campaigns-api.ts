import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { adAccountId, nameText, numericId, strict } from "./schemas.ts";

const tag = "campaigns";
const id = z.object({ id: z.string() });
export const campaign = z.object({ id: z.string(), account_id: z.string(), name: z.string() });

export const campaignsApi = {
  list: adminRoute({
    method: "GET",
    path: "/campaigns",
    tag,
    summary: "List campaigns, optionally of one ad account",
    query: pageQuery.extend({ account_id: z.string().optional() }),
    response: listOf(campaign),
  }),
  create: adminRoute({
    method: "POST",
    path: "/campaigns",
    tag,
    summary: "Create a campaign",
    body: strict({ id: numericId.optional(), account_id: adAccountId, name: nameText }),
    response: campaign,
  }),
  get: adminRoute({ method: "GET", path: "/campaigns/:id", tag, summary: "A campaign", params: id, response: campaign }),
  rename: adminRoute({
    method: "POST",
    path: "/campaigns/:id",
    tag,
    summary: "Rename a campaign",
    params: id,
    body: strict({ name: nameText }),
    response: campaign,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/campaigns/:id",
    tag,
    summary: "Delete a campaign without ad sets",
    params: id,
    response: success,
  }),
};
