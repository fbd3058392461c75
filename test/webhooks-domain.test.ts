import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escapedJson } from "../src/domain/webhooks/escaped-json.ts";
import { serializeLeadgenBody } from "../src/domain/webhooks/payload.ts";
import { nextAttempt, nextDelay, RETRY_WINDOW_MS } from "../src/domain/webhooks/retry-schedule.ts";
import { signWebhookBody } from "../src/domain/webhooks/signature.ts";

describe("webhook serializer", () => {
  it("escapes every non-ASCII character as lowercase \\uXXXX, astral ones as surrogate pairs", () => {
    expect(escapedJson({ n: "äöå Zoë 😀 €", s: "a/b<c>" })).toBe(
      '{"n":"\\u00e4\\u00f6\\u00e5 Zo\\u00eb \\ud83d\\ude00 \\u20ac","s":"a/b<c>"}',
    );
    const text = escapedJson({ n: "Ünïcødé ✓ 𝄞" });
    expect(/^[ -~]*$/.test(text)).toBe(true);
    expect(JSON.parse(text)).toEqual({ n: "Ünïcødé ✓ 𝄞" });
  });

  it("writes paid and organic changes in Meta's shape: string ids, integer times, no ad fields when organic", () => {
    const body = serializeLeadgenBody("3001", 1700000000, [
      { leadId: "9", pageId: "3001", formId: "8001", adId: "7001", createdTime: 1699999999 },
      { leadId: "10", pageId: "3001", formId: "8001", adId: null, createdTime: 1699999998 },
    ]);
    expect(body).toBe(
      '{"object":"page","entry":[{"id":"3001","time":1700000000,"changes":[' +
        '{"field":"leadgen","value":{"leadgen_id":"9","page_id":"3001","form_id":"8001","adgroup_id":"7001","ad_id":"7001","created_time":1699999999}},' +
        '{"field":"leadgen","value":{"leadgen_id":"10","page_id":"3001","form_id":"8001","created_time":1699999998}}]}]}',
    );
  });
});

describe("webhook signatures", () => {
  it("are HMACs of exactly the bytes, lowercase hex, with both header prefixes", () => {
    const body = escapedJson({ name: "Zoë" });
    const sig = signWebhookBody("s3cr3t", body);
    expect(sig.sha256).toBe(`sha256=${createHmac("sha256", "s3cr3t").update(Buffer.from(body, "utf8")).digest("hex")}`);
    expect(sig.sha1).toBe(`sha1=${createHmac("sha1", "s3cr3t").update(Buffer.from(body, "utf8")).digest("hex")}`);
    expect(sig.sha256).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe("retry schedule", () => {
  it("retries once immediately, then with growing delays within ±20 % jitter", () => {
    expect(nextDelay(1, () => 0.99)).toBe(0);
    const lows = [2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => nextDelay(n, () => 0));
    const highs = [2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => nextDelay(n, () => 0.999999));
    for (let i = 1; i < lows.length - 1; i++) expect(lows[i]!).toBeGreaterThan(highs[i - 1]! * 0.99);
    expect(lows[0]).toBe(8_000);
    expect(highs[0]).toBeCloseTo(12_000, -1);
    expect(nextDelay(20, () => 0.5)).toBe(4 * 3600 * 1000);
  });

  it("clamps the last try to the 36-hour mark and expires after it", () => {
    const first = 1_000_000;
    const nearEnd = first + RETRY_WINDOW_MS - 60_000;
    expect(nextAttempt(12, first, nearEnd, () => 0.5)).toEqual({ kind: "retry", atMs: first + RETRY_WINDOW_MS });
    expect(nextAttempt(13, first, first + RETRY_WINDOW_MS, () => 0.5)).toEqual({ kind: "expire" });
  });

  it("fits between 15 and 25 attempts into the window whatever the jitter", () => {
    for (const r of [0, 0.5, 0.999]) {
      let now = 0;
      let n = 1;
      for (;;) {
        const d = nextAttempt(n, 0, now, () => r);
        if (d.kind === "expire") break;
        now = d.atMs;
        n++;
      }
      expect(n).toBeGreaterThanOrEqual(15);
      expect(n).toBeLessThanOrEqual(25);
    }
  });
});
