import type { Runtime } from "../runtime/runtime.ts";
import { listenOutbox } from "../storage/index.ts";
import { type DispatcherOptions, WebhookDispatcher } from "./dispatcher.ts";

/** Builds the dispatcher from the runtime's configuration (overridable in tests), wires its wake-ups. */
export function createDispatcher(runtime: Runtime, overrides: Partial<DispatcherOptions> = {}): WebhookDispatcher {
  const c = runtime.config;
  const dispatcher = new WebhookDispatcher(runtime.services, {
    lingerMs: c.webhookLingerMs,
    timeoutMs: c.webhookTimeoutMs,
    concurrency: c.webhookConcurrency,
    leaseMs: c.webhookLeaseMs,
    pollMs: c.webhookPollMs,
    retentionHours: c.webhookLogRetentionHours,
    autoDisableHours: c.webhookAutoDisableHours,
    maxChangesPerPost: c.webhookMaxChangesPerPost,
    maxBodyBytes: c.webhookMaxBodyBytes,
    wallClock: runtime.wallClock,
    mayClaim: () => runtime.instance.active,
    ...overrides,
  });
  const services = runtime.services;
  services.metrics.webhookQueueProbe(() => services.store.webhooks.queueSnapshot(services.clock.nowMs()));
  // Back from stepping down: what became due meanwhile is looked at now, not at the next poll.
  const unlisten = runtime.instance.listen((change) => {
    if (change.kind === "resumed") dispatcher.wake();
  });
  dispatcher.addWakeSource({ close: async () => void unlisten() });
  if (c.databaseUrl) dispatcher.addWakeSource(listenOutbox(c.databaseUrl, () => dispatcher.wake(), overrides.onError));
  return dispatcher;
}

/** Creates and starts the dispatcher (what `serve` does). */
export function startDispatcher(runtime: Runtime, overrides: Partial<DispatcherOptions> = {}): WebhookDispatcher {
  const d = createDispatcher(runtime, overrides);
  d.start();
  return d;
}
