import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatGraphTime } from "../src/domain/time.ts";

const viaDate = (s: number) => `${new Date(s * 1000).toISOString().slice(0, 19)}+0000`;

describe("formatGraphTime", () => {
  it("equals the Date-built form for every second of years 1970-9999, in any order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }), { minLength: 1, maxLength: 20 }), (xs) => {
        for (const s of xs) expect(formatGraphTime(s)).toBe(viaDate(s));
      }),
      { numRuns: 2_000 },
    );
  });

  it("formats day boundaries and the same day repeatedly", () => {
    for (const s of [0, 59, 60, 3599, 3600, 86_399, 86_400, 86_401, 1_795_000_000, 1_795_000_000, -1, -86_400]) {
      expect(formatGraphTime(s)).toBe(viaDate(s));
    }
    expect(formatGraphTime(1_795_000_000)).toBe("2026-11-18T11:06:40+0000");
  });

  it("keeps milliseconds out of fractional seconds", () => {
    expect(formatGraphTime(1_795_000_000.75)).toBe("2026-11-18T11:06:40+0000");
  });
});
