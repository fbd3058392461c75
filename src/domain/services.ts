import type { AccessPolicy } from "./access/policy.ts";
import type { Clock } from "./clock.ts";
import type { CursorCodec } from "./cursor.ts";
import type { IdGenerator } from "./ids.ts";
import type { LeadIntake } from "./leads/lead-intake.ts";
import type { Metrics } from "./metrics.ts";
import type { Store } from "./ports.ts";
import type { LeadReadMeter } from "./rate-limit/meter.ts";
import type { OutboundPolicy } from "./webhooks/outbound-policy.ts";
import type { AttemptThrottle } from "./rate-limit/attempt-throttle.ts";
import type { OutboxSignal } from "./webhooks/outbox-signal.ts";

/**
 * What the outer layers (Graph surface, admin API, CLI, dispatcher) are handed: the store and the
 * domain's rules, each replaceable on its own (tests freeze the clock; the rate limit swaps the meter).
 */
export interface Services {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  cursors: CursorCodec;
  policy: AccessPolicy;
  meter: LeadReadMeter;
  intake: LeadIntake;
  hashToken(token: string): string;
  metrics: Metrics;
  /** Rung when leads with webhook outbox rows are committed. */
  outbox: OutboxSignal;
  /** Which URLs and addresses the server may call (handshakes, deliveries); docs/webhooks.md. */
  outbound: OutboundPolicy;
  /** Failed credentials and hosted form submissions per client address (shared across instances). */
  throttle: AttemptThrottle;
}
