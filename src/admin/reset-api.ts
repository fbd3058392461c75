import { z } from "zod";
import { adminRoute } from "./admin-spec.ts";
import { strict } from "./schemas.ts";

/** World files can be large: the whole body is one world document. */
const WORLD_BODY_LIMIT = 64 * 1024 * 1024;

export const resetApi = {
  reset: adminRoute({
    method: "POST",
    path: "/reset",
    tag: "reset",
    summary: "Replace everything the server holds with a world (an empty one when absent)",
    description:
      "Every lead, delivery, token and object made since is gone; the installation's settings (admin key, secret key, manual clock) stay.",
    body: strict({
      world: z
        .record(z.string(), z.unknown(), { error: "must be a world document (an object, as in a world file)" })
        .optional()
        .meta({ description: "A world document, as in a world file (docs/world.md)." }),
    }),
    response: z.object({
      success: z.boolean(),
      world: z
        .object({
          apps: z.number().int(),
          users: z.number().int(),
          pages: z.number().int(),
          forms: z.number().int(),
          ads: z.number().int(),
          leads: z.number().int(),
          leadsSkipped: z.number().int(),
          tokens: z.number().int(),
        })
        .optional(),
    }),
    bodyLimit: () => WORLD_BODY_LIMIT,
  }),
};
