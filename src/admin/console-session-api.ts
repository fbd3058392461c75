import { z } from "zod";
import type { ConsoleSession } from "../contract/index.ts";
import { adminRoute } from "./admin-spec.ts";

export const consoleSession = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      category: z.string(),
      /** A page token the console reads this page's forms and leads with; absent when none can be made. */
      access_token: z.string().optional(),
      app_id: z.string().optional(),
      user_id: z.string().optional(),
      expires_at: z.number().int().optional(),
      /** Why no token could be made, in plain words. */
      unavailable_reason: z.string().optional(),
    }),
  ),
  now: z.number().int(),
  clock: z.enum(["manual", "system"]),
  graph_version: z.string(),
}) satisfies z.ZodType<ConsoleSession>;

export const consoleSessionApi = {
  open: adminRoute({
    method: "POST",
    path: "/console/session",
    tag: "console",
    summary: "The console's pages, each with a short-lived page token (labelled console)",
    response: consoleSession,
  }),
};
