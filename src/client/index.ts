/**
 * leadgraph/client: a typed client for Meta's lead-retrieval Graph API and helpers for its leadgen
 * webhooks. Imports only the shared wire types (`src/contract`), never server code.
 */
export * from "../contract/index.ts";
export { appsecretProof } from "./appsecret-proof.ts";
export { GraphApiError, type GraphApiErrorInit } from "./graph-api-error.ts";
export {
  DEFAULT_SYNC_FIELDS,
  GraphLeadsClient,
  type GraphLeadsClientOptions,
  type LeadsOptions,
  type SubscribeAppOptions,
} from "./graph-leads-client.ts";
export { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from "./retry-policy.ts";
export type { Params, ParamValue, RetryEvent } from "./transport.ts";
export { UsageGovernor, type UsageGovernorOptions } from "./usage-governor.ts";
export { parseUsageHeaders, type UsageSnapshot } from "./usage.ts";
export * from "./webhooks/index.ts";
