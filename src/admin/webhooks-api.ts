import { z } from "zod";
import { DELIVERY_STATUSES } from "../domain/webhooks/webhook-repository.ts";
import { adminRoute, intInput, listOf, pageQuery, success } from "./admin-spec.ts";
import { strict } from "./schemas.ts";

const tag = "webhooks";
const appId = z.object({ app_id: z.string() });
const deliveryId = z.object({ id: z.string() });

/** A boolean sent as JSON or as text. */
const boolInput = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const unixSeconds = intInput(0, 1e11).meta({ description: "Unix seconds." });
const deliveryStatus = z.enum(DELIVERY_STATUSES);

/** Times are unix seconds like the rest of the API; ids are strings. */
export const delivery = z.object({
  id: z.string(),
  app_id: z.string(),
  page_id: z.string(),
  form_id: z.string(),
  lead_id: z.string(),
  ad_id: z.string().nullable(),
  kind: z.enum(["event", "redelivery"]),
  redelivery_of: z.string().nullable(),
  status: deliveryStatus,
  attempts: z.number().int(),
  created_time: z.number().int().nullable(),
  next_attempt_time: z.number().int().nullable(),
  first_attempt_time: z.number().int().nullable(),
  last_attempt_time: z.number().int().nullable(),
  last_http_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  finished_time: z.number().int().nullable(),
});
export const attempt = z.object({
  id: z.string(),
  time: z.number().int(),
  time_ms: z.number().int(),
  kind: z.enum(["delivery", "duplicate", "dropped"]),
  outcome: z.enum(["success", "failure", "dropped"]),
  callback_url: z.string(),
  http_status: z.number().int().nullable(),
  latency_ms: z.number().nullable(),
  response_excerpt: z.string().nullable(),
  error: z.string().nullable(),
  /** The exact bytes sent. */
  body: z.string(),
  headers: z.record(z.string(), z.string()),
  change_count: z.number().int(),
  delivery_ids: z.array(z.string()),
  instance: z.string(),
});
export const deliveryDetail = delivery.extend({ attempts: z.array(attempt) });

export const faultSettings = z.object({
  drop_percent: z.number().int(),
  duplicate_percent: z.number().int(),
  delay_ms: z.number().int(),
  delay_jitter_ms: z.number().int(),
  split: z.boolean(),
  reorder: z.boolean(),
  pack_entries: z.boolean(),
});
export const appSubscriptions = z.object({
  app_id: z.string(),
  app_name: z.string(),
  mode: z.string(),
  subscriptions: z.array(
    z.object({
      object: z.string(),
      callback_url: z.string(),
      fields: z.array(z.string()),
      active: z.boolean(),
      include_values: z.boolean(),
    }),
  ),
  failing_since: z.number().int().nullable(),
  disabled_time: z.number().int().nullable(),
  disabled_reason: z.string().nullable(),
  faults: faultSettings,
  auto_disable_hours: z.number(),
});
export const pageInstall = z.object({
  page_id: z.string(),
  app_id: z.string(),
  subscribed_fields: z.array(z.string()),
  created_time: z.number().int(),
});
export const disabledSubscription = z.object({
  app_id: z.string(),
  disabled_time: z.number().int().nullable(),
  disabled_reason: z.string().nullable(),
  failing_since: z.number().int().nullable(),
});
/** Deliveries a range redelivery left out, and why (the app is no longer installed on their page, or the lead was erased). */
export const redeliverySkipped = z.object({ page_id: z.string(), reason: z.string(), count: z.number().int() });

export const webhooksApi = {
  deliveries: adminRoute({
    method: "GET",
    path: "/webhooks/deliveries",
    tag,
    summary: "The delivery log, newest first",
    query: pageQuery.extend({
      status: deliveryStatus.optional(),
      app_id: z.string().optional(),
      page_id: z.string().optional(),
      form_id: z.string().optional(),
      lead_id: z.string().optional(),
      since: unixSeconds.optional(),
      until: unixSeconds.optional(),
    }),
    response: listOf(delivery),
  }),
  delivery: adminRoute({
    method: "GET",
    path: "/webhooks/deliveries/:id",
    tag,
    summary: "One delivery with its attempts, exact bodies and signatures",
    params: deliveryId,
    response: deliveryDetail,
  }),
  redeliverOne: adminRoute({
    method: "POST",
    path: "/webhooks/deliveries/:id/redeliver",
    tag,
    summary: "Send one delivery again (re-signed, with a new time)",
    params: deliveryId,
    response: success.extend({ id: z.string() }),
  }),
  redeliverRange: adminRoute({
    method: "POST",
    path: "/webhooks/redeliver",
    tag,
    summary: "Redeliver an app's deliveries created in a time range (at most 10,000)",
    body: strict({ app_id: z.string().min(1), since: unixSeconds, until: unixSeconds.optional(), status: deliveryStatus.optional() }),
    response: success.extend({ count: z.number().int(), ids: z.array(z.string()), skipped: z.array(redeliverySkipped) }),
  }),
  subscriptions: adminRoute({
    method: "GET",
    path: "/webhooks/subscriptions",
    tag,
    summary: "App subscriptions with health, faults and policy, by app id",
    query: pageQuery,
    response: listOf(appSubscriptions),
  }),
  installs: adminRoute({
    method: "GET",
    path: "/webhooks/installs",
    tag,
    summary: "Apps installed on pages (subscribed_apps), by page then app",
    query: pageQuery,
    response: listOf(pageInstall),
  }),
  disabled: adminRoute({
    method: "GET",
    path: "/webhooks/disabled",
    tag,
    summary: "Subscriptions disabled after failing too long, by app id",
    query: pageQuery,
    response: listOf(disabledSubscription),
  }),
  faults: adminRoute({
    method: "GET",
    path: "/webhooks/subscriptions/:app_id/faults",
    tag,
    summary: "An app's fault injection",
    params: appId,
    response: faultSettings,
  }),
  setFaults: adminRoute({
    method: "POST",
    path: "/webhooks/subscriptions/:app_id/faults",
    tag,
    summary: "Change an app's fault injection (fields left out keep their value)",
    params: appId,
    body: strict({
      drop_percent: intInput(0, 100).optional(),
      duplicate_percent: intInput(0, 100).optional(),
      delay_ms: intInput(0, 36 * 3_600_000).optional(),
      delay_jitter_ms: intInput(0, 36 * 3_600_000).optional(),
      split: boolInput.optional(),
      reorder: boolInput.optional(),
      pack_entries: boolInput.optional(),
      /** Every fault off first. */
      reset: boolInput.optional(),
    }),
    response: faultSettings,
  }),
  setPolicy: adminRoute({
    method: "POST",
    path: "/webhooks/subscriptions/:app_id/policy",
    tag,
    summary: "Auto-disable after N hours of continuous failure (0 = never)",
    params: appId,
    body: strict({
      auto_disable_hours: z
        .union([z.number(), z.string()])
        .meta({ description: 'Hours, 0 for never, or "default" for the server setting.' }),
    }),
    response: success.extend({ auto_disable_hours: z.number() }),
  }),
  subscribe: adminRoute({
    method: "POST",
    path: "/webhooks/subscriptions/:app_id",
    tag,
    summary: "Point an app's page subscription at a callback (verified unless skip_verification); answers the one it replaced",
    params: appId,
    body: strict({
      callback_url: z.string().min(1),
      verify_token: z.string().default(""),
      fields: z
        .union([
          z.array(z.string()),
          z.string().transform((v) =>
            v
              .split(",")
              .map((f) => f.trim())
              .filter(Boolean),
          ),
        ])
        .default(["leadgen"]),
      skip_verification: boolInput.default(false),
    }),
    response: success.extend({
      previous: z
        .object({ callback_url: z.string(), verify_token: z.string(), fields: z.array(z.string()), active: z.boolean() })
        .nullable(),
    }),
  }),
  unsubscribe: adminRoute({
    method: "DELETE",
    path: "/webhooks/subscriptions/:app_id",
    tag,
    summary: "Remove an app's page subscription",
    params: appId,
    response: success,
  }),
};
