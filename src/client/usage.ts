import type { AppUsage, BusinessUseCaseUsage } from "../contract/index.ts";

/** The most constraining usage Graph reported on one answer. */
export interface UsageSnapshot {
  /** Highest percentage of any budget used (call_count, total_time, total_cputime), 0–100+. */
  percent: number;
  /** Seconds until access is regained (0 when not blocked). */
  regainAccessSeconds: number;
  /** Raw `X-Business-Use-Case-Usage`, when sent. */
  businessUseCase?: BusinessUseCaseUsage;
  /** Raw `X-App-Usage`, when sent. */
  app?: AppUsage;
}

function parseJson(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const pct = (o: Partial<AppUsage> | undefined): number =>
  Math.max(Number(o?.call_count ?? 0) || 0, Number(o?.total_time ?? 0) || 0, Number(o?.total_cputime ?? 0) || 0);

/**
 * Reads `X-Business-Use-Case-Usage`, `X-App-Usage` and `X-Page-Usage`. Returns undefined when none
 * was sent. `estimated_time_to_regain_access` is in minutes on the wire and seconds here.
 */
export function parseUsageHeaders(headers: Headers): UsageSnapshot | undefined {
  const buc = parseJson(headers.get("x-business-use-case-usage")) as BusinessUseCaseUsage | undefined;
  const app = parseJson(headers.get("x-app-usage")) as AppUsage | undefined;
  const page = parseJson(headers.get("x-page-usage")) as AppUsage | undefined;
  if (!buc && !app && !page) return undefined;
  let percent = Math.max(pct(app), pct(page));
  let regain = 0;
  if (buc && typeof buc === "object") {
    for (const entries of Object.values(buc)) {
      if (!Array.isArray(entries)) continue;
      for (const e of entries) {
        percent = Math.max(percent, pct(e));
        regain = Math.max(regain, (Number(e.estimated_time_to_regain_access) || 0) * 60);
      }
    }
  }
  const snap: UsageSnapshot = { percent, regainAccessSeconds: regain };
  if (buc) snap.businessUseCase = buc;
  if (app) snap.app = app;
  return snap;
}
