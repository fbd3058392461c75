import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { nameText, numericId, strict, timeInput } from "./schemas.ts";

const tag = "ads";
const id = z.object({ id: z.string() });
export const adStatus = z.enum(["ACTIVE", "PAUSED", "DELETED", "ARCHIVED"]);
export const ad = z.object({
  id: z.string(),
  adset_id: z.string(),
  name: z.string(),
  form_id: z.string().nullable(),
  status: z.string(),
  created_time: z.string().nullable(),
});

export const adsApi = {
  list: adminRoute({
    method: "GET",
    path: "/ads",
    tag,
    summary: "List ads, optionally of one ad set or form",
    query: pageQuery.extend({ adset_id: z.string().optional(), form_id: z.string().optional() }),
    response: listOf(ad),
  }),
  create: adminRoute({
    method: "POST",
    path: "/ads",
    tag,
    summary: "Create an ad",
    body: strict({
      id: numericId.optional(),
      adset_id: numericId,
      name: nameText,
      form_id: numericId.nullable().default(null),
      status: adStatus.default("ACTIVE"),
      created_time: timeInput.optional(),
    }),
    response: ad,
  }),
  get: adminRoute({ method: "GET", path: "/ads/:id", tag, summary: "An ad", params: id, response: ad }),
  change: adminRoute({
    method: "POST",
    path: "/ads/:id",
    tag,
    summary: "Change an ad's name, status or form",
    params: id,
    body: strict({ name: nameText.optional(), status: adStatus.optional(), form_id: numericId.nullable().optional() }),
    response: ad,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/ads/:id",
    tag,
    summary: "Set an ad's status to DELETED (its leads keep their attribution)",
    params: id,
    response: success,
  }),
};
