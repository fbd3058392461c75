import { z } from "zod";
import { adminRoute } from "./admin-spec.ts";
import { strict } from "./schemas.ts";

const tag = "clock";

export const clockState = z.object({
  mode: z.enum(["system", "manual"]),
  /** Unix seconds. */
  now: z.number().int(),
  now_iso: z.string(),
  /** A manual clock is shared by every instance on the database. */
  shared: z.boolean(),
});

export const clockApi = {
  get: adminRoute({ method: "GET", path: "/clock", tag, summary: "The server's clock", response: clockState }),
  move: adminRoute({
    method: "POST",
    path: "/clock",
    tag,
    summary: "Set or advance a manual clock (exactly one of set, advance)",
    body: strict({
      set: z.union([z.number(), z.string()]).optional().meta({ description: "Unix seconds or an ISO time." }),
      advance: z.union([z.string(), z.number()]).optional().meta({ description: "A duration such as 36h, 90d, 1h30m, or seconds." }),
    }),
    response: clockState,
  }),
};
