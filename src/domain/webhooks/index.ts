export { escapedJson } from "./escaped-json.ts";
export { signWebhookBody, type WebhookSignatures } from "./signature.ts";
export { nextAttempt, nextDelay, RETRY_WINDOW_MS, type RetryDecision } from "./retry-schedule.ts";
export { changeValue, leadgenBody, MAX_CHANGES_PER_POST, serializeLeadgenBody, type LeadgenChange } from "./payload.ts";
export { appReceivesLead } from "./delivery-rule.ts";
export * from "./webhook-repository.ts";
export { OutboxSignal } from "./outbox-signal.ts";
