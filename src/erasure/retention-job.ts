import type { Runtime } from "../runtime/runtime.ts";
import { purgeExpiredLeads } from "./erase-leads.ts";

export interface RetentionJob {
  /** Runs one purge now (or joins the one running) and answers how many leads it erased. */
  runNow(): Promise<number>;
  /** Stops the schedule and waits for a purge in progress. */
  stop(): Promise<void>;
}

/**
 * The retention purge on a schedule: every `leadRetentionSweepMs` of wall time, and once at start,
 * each instance erases the leads older than `leadRetentionDays` by the product clock (so a manual
 * clock moved forward makes leads expire). Instances need no coordination: the purge's deletes are
 * idempotent and bounded (erase-leads.ts). Undefined when retention is off (the default).
 */
export function startRetentionJob(
  runtime: Runtime,
  opts: { onError?: (err: unknown) => void; sweepMs?: number } = {},
): RetentionJob | undefined {
  const days = runtime.config.leadRetentionDays;
  if (days <= 0) return undefined;
  let running: Promise<number> | undefined;
  const runNow = (): Promise<number> => {
    running ??= purgeExpiredLeads(runtime.services, days).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => void runNow().catch((err) => opts.onError?.(err));
  const timer = setInterval(tick, opts.sweepMs ?? runtime.config.leadRetentionSweepMs);
  timer.unref();
  setImmediate(tick);
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
