import { describe, expect, it } from "vitest";
import { usageHeadersOf } from "../src/graph/execute.ts";
import { UsageReport } from "../src/domain/rate-limit/meter.ts";
import { hashToken, recentTokenHasher } from "../src/storage/index.ts";

/** What the hot read path remembers between requests must answer exactly what it would compute. */
describe("request-path memos", () => {
  it("the recent-token hasher answers hashToken's hash for every token, past its capacity and for long input", () => {
    const hash = recentTokenHasher(8);
    const tokens = [...Array.from({ length: 30 }, (_, i) => `EAAB-token-${i}`), "x".repeat(5000), ""];
    for (let round = 0; round < 3; round++) {
      for (const t of tokens) expect(hash(t)).toBe(hashToken(t));
    }
    expect(hash("EAAB-a")).not.toBe(hash("EAAB-b"));
  });

  it("usage headers follow the figures they carry, one page or several", () => {
    const report = (pages: [string, number, number][]) => {
      const r = new UsageReport();
      for (const [pageId, calls, eta] of pages)
        r.record(pageId, { callCount: calls, totalCputime: calls, totalTime: calls, estimatedTimeToRegainAccess: eta });
      return usageHeadersOf(r);
    };
    const buc = (h: Record<string, string>) => JSON.parse(h["x-business-use-case-usage"]!);
    const app = (h: Record<string, string>) => JSON.parse(h["x-app-usage"]!);
    expect(buc(report([["3001", 5, 0]]))).toEqual({
      "3001": [{ type: "leadgen", call_count: 5, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 0 }],
    });
    expect(buc(report([["3001", 6, 0]]))["3001"][0].call_count).toBe(6);
    expect(buc(report([["3001", 5, 0]]))["3001"][0].call_count).toBe(5);
    expect(buc(report([["3001", 100, 12]]))["3001"][0].estimated_time_to_regain_access).toBe(12);
    expect(Object.keys(buc(report([["3002", 5, 0]])))).toEqual(["3002"]);
    const two = report([
      ["3001", 5, 0],
      ["3002", 40, 0],
    ]);
    expect(Object.keys(buc(two)).sort()).toEqual(["3001", "3002"]);
    expect(app(two)).toEqual({ call_count: 40, total_time: 40, total_cputime: 40 });
    expect(usageHeadersOf(new UsageReport())).toEqual({});
  });
});
