import { z } from "zod";
import { CONSOLE_TOKEN_LABEL } from "../domain/access/console-token.ts";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { numericId, strict, timeInput } from "./schemas.ts";

const tag = "tokens";
const id = z.object({ id: z.string() });
export const tokenType = z.enum(["USER", "PAGE", "APP", "SYSTEM_USER"]);

export const token = z.object({
  id: z.string(),
  type: tokenType,
  app_id: z.string(),
  user_id: z.string().nullable(),
  page_id: z.string().nullable(),
  scopes: z.array(z.string()),
  issued_at: z.number().int(),
  /** 0 = never, as debug_token says it. */
  expires_at: z.number().int(),
  data_access_expires_at: z.number().int(),
  long_lived: z.boolean(),
  is_valid: z.boolean(),
  invalidated_subcode: z.number().int().nullable(),
  label: z.string().nullable(),
  display_prefix: z.string(),
});

export const issueTokenInput = strict({
  type: tokenType,
  app_id: numericId,
  user_id: numericId.optional(),
  page_id: numericId.optional(),
  scopes: z.array(z.string().regex(/^[a-z_]{2,64}$/, "must be permission names such as leads_retrieval")).default([]),
  /** Seconds from now, or "never"/null; the kind's own lifetime when absent. */
  expires_in: z.union([z.number().int().positive(), z.literal("never"), z.null()]).optional(),
  long_lived: z.boolean().optional(),
  // Reserved: tokens with the console's label are not metered (src/domain/rate-limit/console-reads-unmetered.ts).
  label: z
    .string()
    .max(200)
    .refine(
      (l) => l !== CONSOLE_TOKEN_LABEL,
      `"${CONSOLE_TOKEN_LABEL}" is reserved for the developer console's own tokens; choose another label`,
    )
    .optional(),
  /** A chosen token text, as world files allow (otherwise a random one is made). */
  token: z.string().min(8).max(1024).regex(/^\S+$/, "must not contain white space").optional(),
  issued_at: timeInput.optional(),
});

export const tokensApi = {
  list: adminRoute({
    method: "GET",
    path: "/tokens",
    tag,
    summary: "List tokens (never their text)",
    query: pageQuery.extend({
      app_id: z.string().optional(),
      user_id: z.string().optional(),
      page_id: z.string().optional(),
      type: z.string().optional(),
    }),
    response: listOf(token),
  }),
  issue: adminRoute({
    method: "POST",
    path: "/tokens",
    tag,
    summary: "Issue a token; its text is in this answer only",
    body: issueTokenInput,
    response: token.extend({ access_token: z.string() }),
  }),
  debug: adminRoute({
    method: "POST",
    path: "/tokens/debug",
    tag,
    summary: "The debug_token view of any token, for any app",
    body: strict({ access_token: z.string().min(1).max(1024) }),
    response: z.object({ data: z.record(z.string(), z.unknown()) }),
  }),
  get: adminRoute({ method: "GET", path: "/tokens/:id", tag, summary: "A token", params: id, response: token }),
  revoke: adminRoute({
    method: "DELETE",
    path: "/tokens/:id",
    tag,
    summary: "Revoke a token (190/467)",
    params: id,
    response: success.extend({ revoked: z.boolean(), already_invalid_subcode: z.number().int().nullable().optional() }),
  }),
};
