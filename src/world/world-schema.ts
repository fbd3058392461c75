import { z } from "zod";

/**
 * The world file: a whole sandbox in one JSON document (docs/world-file.md). Ids are optional
 * (derived deterministically when absent, so loading a file twice changes nothing); times are
 * `2026-11-20T10:00:00+0000` or unix seconds. Keep this format stable: people write it by hand.
 */
const id = z.string().regex(/^\d{1,20}$/, 'must be a numeric id string such as "1001"');
const time = z.union([z.number().int().nonnegative(), z.string()]);
const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

export const worldSchema = strict({
  $schema: z.string().optional(),
  apps: z
    .array(
      strict({
        id: id.optional(),
        name: z.string().min(1),
        secret: z.string().min(8),
        mode: z.enum(["live", "development"]).default("live"),
        created_time: time.optional(),
        require_appsecret_proof: z.boolean().default(false),
        roles: z.array(strict({ user_id: id, role: z.enum(["administrator", "developer", "tester"]) })).default([]),
      }),
    )
    .default([]),
  users: z.array(strict({ id: id.optional(), name: z.string().min(1) })).default([]),
  pages: z
    .array(
      strict({
        id: id.optional(),
        name: z.string().min(1),
        category: z.string().default("Business"),
        created_time: time.optional(),
        roles: z.array(strict({ user_id: id, tasks: z.array(z.string()).min(1) })).default([]),
        lead_access: strict({ user_ids: z.array(id).default([]), app_ids: z.array(id).default([]) })
          .nullable()
          .default(null),
        locations: z
          .array(
            strict({
              store_number: z.string().min(1),
              name: z.string().min(1),
              street: z.string().default(""),
              city: z.string().default(""),
              zip: z.string().default(""),
              country: z.string().default(""),
              latitude: z.number().nullable().default(null),
              longitude: z.number().nullable().default(null),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  ad_accounts: z
    .array(
      strict({
        id: z.string().regex(/^act_\d{1,20}$/, 'must look like "act_4001"'),
        name: z.string().min(1),
        users: z.array(strict({ user_id: id, role: z.enum(["ADMIN", "ADVERTISER", "ANALYST"]) })).default([]),
      }),
    )
    .default([]),
  campaigns: z.array(strict({ id: id.optional(), account_id: z.string(), name: z.string().min(1) })).default([]),
  adsets: z.array(strict({ id: id.optional(), campaign_id: id, name: z.string().min(1) })).default([]),
  ads: z
    .array(
      strict({
        id: id.optional(),
        adset_id: id,
        name: z.string().min(1),
        form_id: id.nullable().default(null),
        status: z.enum(["ACTIVE", "PAUSED", "DELETED", "ARCHIVED"]).default("ACTIVE"),
        created_time: time.optional(),
      }),
    )
    .default([]),
  forms: z
    .array(
      z
        .object({
          id: id.optional(),
          page_id: id,
          status: z.enum(["ACTIVE", "ARCHIVED", "DRAFT"]).default("ACTIVE"),
          created_time: time.optional(),
        })
        .passthrough(),
    )
    .default([]),
  leads: z
    .array(
      strict({
        id: id.optional(),
        form_id: id,
        ad_id: id.nullable().optional(),
        created_time: time.optional(),
        platform: z.string().default("fb"),
        field_data: z.array(strict({ name: z.string(), values: z.array(z.string()) })).default([]),
        custom_disclaimer_responses: z
          .array(strict({ checkbox_key: z.string(), is_checked: z.union([z.string(), z.boolean()]) }))
          .default([]),
        partner_name: z.string().optional(),
        retailer_item_id: z.string().optional(),
        submitted_by: id.optional(),
        is_test: z.boolean().default(false),
      }),
    )
    .default([]),
  tokens: z
    .array(
      strict({
        token: z.string().min(8).max(1024).regex(/^\S+$/, "must not contain white space"),
        type: z.enum(["USER", "PAGE", "APP", "SYSTEM_USER"]),
        app_id: id,
        user_id: id.optional(),
        page_id: id.optional(),
        scopes: z.array(z.string()).default([]),
        expires_at: time.nullable().default(null),
        issued_at: time.optional(),
        long_lived: z.boolean().optional(),
        label: z.string().optional(),
      }),
    )
    .default([]),
  subscriptions: z
    .array(
      strict({
        app_id: id,
        object: z.enum(["page"]).default("page"),
        callback_url: z.string().url(),
        fields: z.array(z.string()).min(1),
        verify_token: z.string().default(""),
        include_values: z.boolean().default(true),
      }),
    )
    .default([]),
  subscribed_apps: z.array(strict({ page_id: id, app_id: id, subscribed_fields: z.array(z.string()).min(1) })).default([]),
});

export type World = z.infer<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;

/** The JSON Schema published in docs/world-file.schema.json. */
export const worldJsonSchema = (): unknown => z.toJSONSchema(worldSchema, { io: "input", unrepresentable: "any" });
