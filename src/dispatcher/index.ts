export { WebhookDispatcher, type DispatcherOptions } from "./dispatcher.ts";
export { createDispatcher, startDispatcher } from "./start-dispatcher.ts";
export { verifyCallback, type VerificationResult } from "./verify-callback.ts";
export { outboundAgent } from "./outbound-agent.ts";
