import { describe, expect, it } from "vitest";
import { identifierHashes, PersonMatcher, PersonQueryError } from "../src/erasure/person-match.ts";

const answers = (...values: unknown[]) => [{ name: "any", values }];

describe("PersonMatcher", () => {
  it("matches an email without regard to case or surrounding space, in any answer", () => {
    const m = new PersonMatcher({ email: " Jane.Doe@Example.COM " });
    expect(m.email).toBe("jane.doe@example.com");
    expect(m.matches(answers("JANE.DOE@example.com  "))).toEqual(["email"]);
    expect(
      m.matches([
        { name: "work_email", values: ["x@y.z"] },
        { name: "notes", values: ["jane.doe@example.com"] },
      ]),
    ).toEqual(["email"]);
    expect(m.matches(answers("jane.doe@example.com.au", "jane.doe@example"))).toEqual([]);
  });

  it("matches a phone number in any spelling once both are read as E.164", () => {
    const m = new PersonMatcher({ phone: "(415) 555-0100", country: "us" });
    expect(m.phone).toBe("+14155550100");
    for (const v of ["+14155550100", "+1 415-555-0100", "415.555.0100", "(415) 555 0100", "+1 (415) 555-0100"])
      expect(m.matches(answers(v)), v).toEqual(["phone"]);
    for (const v of ["+14155550101", "+44 415 555 0100", "5550100", "call me"]) expect(m.matches(answers(v)), v).toEqual([]);
    const both = new PersonMatcher({ email: "a@b.co", phone: "+31 6 12345678" });
    expect(
      both.matches([
        { name: "e", values: ["A@B.co"] },
        { name: "p", values: ["0612345678"] },
      ]),
    ).toEqual(["email", "phone"]);
  });

  it("refuses queries it cannot use, naming the field", () => {
    const field = (q: object) => {
      try {
        new PersonMatcher(q);
      } catch (e) {
        return e instanceof PersonQueryError ? e.field : "other";
      }
      return "none";
    };
    expect(field({})).toBe("email");
    expect(field({ email: "no-at-sign" })).toBe("email");
    expect(field({ email: `${"a".repeat(400)}@x.y` })).toBe("email");
    expect(field({ phone: "555-0100" })).toBe("phone");
    expect(field({ phone: "1".repeat(10_000) })).toBe("phone");
    expect(field({ phone: "4155550100", country: "usa" })).toBe("country");
  });

  it("ignores answers that are not strings or are huge, and tolerates missing values", () => {
    const m = new PersonMatcher({ email: "a@b.co", phone: "+14155550100" });
    expect(m.matches([{ values: [42, null, { x: 1 }, `${"4".repeat(5000)}14155550100`] }, {}])).toEqual([]);
  });

  it("hashes identifiers with a key: stable for one key, different for another, never the text", () => {
    const m = new PersonMatcher({ email: "Jane@Example.com", phone: "+14155550100" });
    const a = identifierHashes(m, "key-one");
    expect(a).toEqual([
      expect.stringMatching(/^email:hmac-sha256:[0-9a-f]{64}$/),
      expect.stringMatching(/^phone:hmac-sha256:[0-9a-f]{64}$/),
    ]);
    expect(identifierHashes(new PersonMatcher({ email: "jane@example.com ", phone: "+1 415 555 0100" }), "key-one")).toEqual(a);
    expect(identifierHashes(m, "key-two")).not.toEqual(a);
    expect(a.join()).not.toMatch(/jane|4155550100/i);
  });
});
