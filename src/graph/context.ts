import type { Caller } from "../domain/access/caller.ts";
import type { LeadRecord } from "../domain/model.ts";
import { UsageReport } from "../domain/rate-limit/meter.ts";
import type { Services } from "../domain/services.ts";
import type { Params } from "./params.ts";

/** Everything one Graph request works with. Built once per request (and per batch item). */
export class GraphContext {
  readonly usage = new UsageReport();
  readonly #adVisibility = new Map<string, Promise<boolean>>();
  readonly #leads = new Map<string, Promise<LeadRecord | undefined>>();

  constructor(
    readonly services: Services,
    readonly caller: Caller,
    /** The raw token, to be carried in absolute paging links as the Node SDK needs. */
    readonly accessToken: string,
    readonly version: string,
    readonly publicUrl: string,
    readonly params: Params,
  ) {}

  /** Whether ad-level fields of this ad account are visible to the caller; asked once per request. */
  adFieldsVisible(accountId: string): Promise<boolean> {
    let v = this.#adVisibility.get(accountId);
    if (!v) {
      v = this.services.policy.adFieldsVisible(this.caller, accountId);
      this.#adVisibility.set(accountId, v);
    }
    return v;
  }

  /** A lead by id, read once per request: routing probes it first and the lead node then loads it. */
  lead(id: string): Promise<LeadRecord | undefined> {
    let lead = this.#leads.get(id);
    if (!lead) {
      lead = this.services.store.leads.get(id);
      this.#leads.set(id, lead);
    }
    return lead;
  }

  nowSeconds(): number {
    return Math.floor(this.services.clock.nowMs() / 1000);
  }
}
