import { metaJson, signBody } from "../../../src/client/index.ts";
import { seededRandom as prng } from "../../../src/domain/seeded-random.ts";

export { prng };

/** A lead as the webhook announces it. */
export interface Announced {
  leadId: string;
  pageId: string;
  formId: string;
  adId?: string;
  createdTime: number;
}

/** What happens to each announcement: the seam where server-side fault injection can replace this file. */
export interface FaultPlan {
  /** Fraction of leads never announced. */
  drop: number;
  /** Fraction of leads announced twice (in different POSTs). */
  duplicate: number;
  /** Deterministic randomness. */
  seed: number;
}

/** Splits leads by the plan: which are announced, which twice, which dropped. */
export function applyPlan<T>(leads: readonly T[], plan: FaultPlan): { sent: T[]; dropped: T[]; duplicated: T[] } {
  const rnd = prng(plan.seed);
  const sent: T[] = [];
  const dropped: T[] = [];
  const duplicated: T[] = [];
  for (const l of leads) {
    const r = rnd();
    if (r < plan.drop) dropped.push(l);
    else {
      sent.push(l);
      if (r < plan.drop + plan.duplicate) duplicated.push(l);
    }
  }
  return { sent, dropped, duplicated };
}

/** The exact bytes Meta would POST for these leads (escaped-unicode JSON, grouped per page). */
export function leadgenBody(leads: readonly Announced[], time: number): string {
  const pages = new Map<string, Announced[]>();
  for (const l of leads) pages.set(l.pageId, [...(pages.get(l.pageId) ?? []), l]);
  return metaJson({
    object: "page",
    entry: [...pages].map(([id, ls]) => ({
      id,
      time,
      changes: ls.map((l) => ({
        field: "leadgen",
        value: {
          ...(l.adId ? { ad_id: l.adId } : {}),
          form_id: l.formId,
          leadgen_id: l.leadId,
          created_time: l.createdTime,
          page_id: l.pageId,
          ...(l.adId ? { adgroup_id: l.adId } : {}),
        },
      })),
    })),
  });
}

/**
 * Acts as Meta's webhook dispatcher toward a receiver: signed POSTs (both headers) of batches of
 * changes. Answers with the HTTP statuses received. Retries non-200 answers a few times, as Meta does.
 */
export class TestMeta {
  readonly #url: string;
  readonly #secret: string;

  constructor(url: string, appSecret: string) {
    this.#url = url;
    this.#secret = appSecret;
  }

  async post(body: string, headers: Record<string, string> = signBody(body, this.#secret)): Promise<number> {
    const res = await fetch(this.#url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": "facebookexternalua", ...headers },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Announces leads in batches; duplicates go out again in later batches. Returns statuses. */
  async announce(leads: readonly Announced[], opts: { batch?: number; time: number }): Promise<number[]> {
    const statuses: number[] = [];
    const batch = opts.batch ?? 50;
    for (let i = 0; i < leads.length; i += batch) {
      const body = leadgenBody(leads.slice(i, i + batch), opts.time);
      let status = 0;
      for (let attempt = 0; attempt < 5 && status !== 200; attempt++) {
        status = await this.post(body).catch(() => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
      statuses.push(status);
    }
    return statuses;
  }
}
