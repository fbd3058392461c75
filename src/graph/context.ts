import type { Caller } from "../domain/access/caller.ts";
import type { LeadRecord } from "../domain/model.ts";
import { UsageReport } from "../domain/rate-limit/meter.ts";
import type { Services } from "../domain/services.ts";
import type { FieldSelection } from "../domain/fields.ts";
import type { ObjectKind } from "../domain/ports.ts";
import type { Params } from "./params.ts";

/**
 * Renders a record as the node of its kind. Nodes nest into each other (a lead's `ad`, an ad's
 * `leads`), so a node reaches another one through the context rather than by importing it.
 */
export type NodeRenderer = (
  ctx: GraphContext,
  kind: ObjectKind,
  record: unknown,
  id: string,
  selection: readonly FieldSelection[] | undefined,
) => Promise<Record<string, unknown>>;

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
    private readonly nodeRenderer: NodeRenderer,
  ) {}

  /** Renders `record` as a node of `kind` (see NodeRenderer). */
  renderKind(
    kind: ObjectKind,
    record: unknown,
    id: string,
    selection: readonly FieldSelection[] | undefined,
  ): Promise<Record<string, unknown>> {
    return this.nodeRenderer(this, kind, record, id, selection);
  }

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
