import { z } from "zod";
import { adminRoute, listOf, pageQuery } from "./admin-spec.ts";

export const instance = z.object({
  node: z.number().int(),
  /** Unix seconds. */
  started_time: z.number().int(),
  heartbeat_time: z.number().int(),
  /** The instance that answered. */
  self: z.boolean(),
});

export const instancesApi = {
  list: adminRoute({
    method: "GET",
    path: "/instances",
    tag: "instances",
    summary: "The server instances sharing the database, by node",
    query: pageQuery,
    response: listOf(instance),
  }),
};
