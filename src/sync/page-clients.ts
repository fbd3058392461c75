import { GraphLeadsClient, UsageGovernor } from "../client/index.ts";
import type { RetryEvent } from "../client/index.ts";
import type { SyncConfig } from "./sync-config.ts";

/** Counters the clients feed, reported on /status. */
export interface ClientStats {
  retries: number;
  rateLimitRetries: number;
}

/**
 * One client per page token. Usage is metered per page, so each page has its own governor: a page
 * near its budget slows down without holding back the others.
 */
export class PageClients {
  readonly #clients = new Map<string, GraphLeadsClient>();
  readonly stats: ClientStats = { retries: 0, rateLimitRetries: 0 };
  readonly governors = new Map<string, UsageGovernor>();
  /** Whether calls carry appsecret_proof (and debug_token may use the app token). */
  readonly appSecret: boolean;

  constructor(config: SyncConfig, opts: { fetch?: typeof fetch; onRetry?: (pageId: string, e: RetryEvent) => void } = {}) {
    this.appSecret = Boolean(config.appSecret);
    for (const page of config.pages) {
      const governor = new UsageGovernor({
        slowDownAt: config.slowDownAt,
        maxPauseMs: config.maxPauseMs,
        maxRegainWaitMs: config.maxBackoffMs,
      });
      this.governors.set(page.id, governor);
      this.#clients.set(
        page.id,
        new GraphLeadsClient({
          accessToken: (page.accessToken ?? config.accessToken)!,
          ...(config.appSecret ? { appSecret: config.appSecret } : {}),
          baseUrl: config.baseUrl,
          version: config.graphVersion,
          governor,
          retry: { maxRetries: config.maxRetries, maxDelayMs: config.maxBackoffMs },
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
          onRetry: (e) => {
            this.stats.retries += 1;
            if (e.error.isRateLimit) this.stats.rateLimitRetries += 1;
            opts.onRetry?.(page.id, e);
          },
        }),
      );
    }
  }

  /** The client of a configured page, or undefined for pages this service does not keep. */
  for(pageId: string): GraphLeadsClient | undefined {
    return this.#clients.get(pageId);
  }

  get pageIds(): string[] {
    return [...this.#clients.keys()];
  }

  /** Pauses taken by all governors (slowing down before the budget was spent). */
  governorPauses(): { pauses: number; pausedMs: number } {
    let pauses = 0;
    let pausedMs = 0;
    for (const g of this.governors.values()) {
      pauses += g.pauses;
      pausedMs += g.pausedMs;
    }
    return { pauses, pausedMs };
  }
}
