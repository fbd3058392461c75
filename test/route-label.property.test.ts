import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routeLabel } from "../src/ops/route-label.ts";

/** The label by splitting the path, as routeLabel computed every label before its shortcut. */
function bySegments(url: string, status: number): string {
  const segments = (url.split("?")[0] ?? "").split("/").filter((s) => s !== "");
  if (segments[0] !== undefined && /^v\d+\.\d+$/.test(segments[0])) segments.shift();
  if (segments.length === 0) return "graph /";
  if (segments.length > 3) return "graph {other}";
  const shape = segments.map((s) =>
    /^(?:act_)?\d+$|^\d+_\d+$/.test(s) ? "{id}" : status < 400 && /^[a-z][a-z_]{0,39}$/.test(s) ? s : "{other}",
  );
  return `graph /${shape.join("/")}`;
}

describe("request metric labels of Graph paths", () => {
  it("the shortcut for common shapes labels every path as splitting it does", () => {
    const segment = fc.oneof(
      fc.constantFrom(
        "v25.0",
        "v3.2",
        "9001",
        "123456789012345",
        "act_4001",
        "1_2",
        "leads",
        "test_leads",
        "me",
        "",
        "Leads",
        "a".repeat(41),
        "x-y",
        "%39",
      ),
      fc.stringMatching(/^[a-z0-9_]{1,12}$/),
    );
    const url = fc
      .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean(), fc.constantFrom("", "?access_token=x", "?fields=id&limit=2", "?"))
      .map(([segs, trailing, query]) => `/${segs.join("/")}${trailing ? "/" : ""}${query}`);
    fc.assert(
      fc.property(url, fc.constantFrom(200, 302, 400, 404, 500), (u, status) => {
        expect(routeLabel("/*", u, status)).toBe(bySegments(u, status));
      }),
      { numRuns: 5000 },
    );
  });

  it("labels named routes by their pattern and unmatched ones as such", () => {
    expect(routeLabel("/forms/:id", "/forms/8001", 200)).toBe("/forms/:id");
    expect(routeLabel(undefined, "/whatever", 404)).toBe("unmatched");
    expect(routeLabel("/*", "/v25.0/9001?access_token=x", 200)).toBe("graph /{id}");
    expect(routeLabel("/*", "/v25.0/8001/leads", 200)).toBe("graph /{id}/leads");
    expect(routeLabel("/*", "/v25.0/8001/leads", 400)).toBe("graph /{id}/{other}");
  });
});
