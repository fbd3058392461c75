import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { nameText, numericId, strict } from "./schemas.ts";

const tag = "adsets";
const id = z.object({ id: z.string() });
export const adSet = z.object({ id: z.string(), campaign_id: z.string(), name: z.string() });

export const adsetsApi = {
  list: adminRoute({
    method: "GET",
    path: "/adsets",
    tag,
    summary: "List ad sets, optionally of one campaign",
    query: pageQuery.extend({ campaign_id: z.string().optional() }),
    response: listOf(adSet),
  }),
  create: adminRoute({
    method: "POST",
    path: "/adsets",
    tag,
    summary: "Create an ad set",
    body: strict({ id: numericId.optional(), campaign_id: numericId, name: nameText }),
    response: adSet,
  }),
  get: adminRoute({ method: "GET", path: "/adsets/:id", tag, summary: "An ad set", params: id, response: adSet }),
  rename: adminRoute({
    method: "POST",
    path: "/adsets/:id",
    tag,
    summary: "Rename an ad set",
    params: id,
    body: strict({ name: nameText }),
    response: adSet,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/adsets/:id",
    tag,
    summary: "Delete an ad set without ads",
    params: id,
    response: success,
  }),
};
