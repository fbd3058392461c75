import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessWorld } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";

const tokenish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^EAAB[A-Za-z0-9]{0,200}$/),
  fc.tuple(fc.constantFrom("1001", "1002", "1003", "1004", "999"), fc.string({ maxLength: 40 })).map(([a, s]) => `${a}|${s}`),
  fc.constantFrom("EAAB-user-ann", "EAAB-page-acme").chain((t) => fc.nat({ max: t.length - 1 }).map((n) => t.slice(0, n) + t.slice(n + 1))),
);
const proofish = fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-f]{64}$/)), { nil: undefined });
const routes = ["/9001", "/8001/leads", "/7001/leads", "/3001", "/8001", "/me", "/me/accounts"];

describe.each(databaseKinds())("random tokens and proofs never read anything (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
  });
  afterAll(async () => h?.close());

  it("answers an auth error, never data", async () => {
    await fc.assert(
      fc.asyncProperty(tokenish, proofish, fc.constantFrom(...routes), async (token, proof, route) => {
        const query: Record<string, string> = { access_token: token };
        if (proof !== undefined) query.appsecret_proof = proof;
        const res = await h.app.inject({ method: "GET", url: route, query });
        const body = JSON.parse(res.body);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(body.data).toBeUndefined();
        expect(body.error).toBeDefined();
        expect([100, 104, 190, 2500]).toContain(body.error.code);
        expect(JSON.stringify(body)).not.toMatch(/Joe Example|Acme Cars|field_data/);
      }),
      { numRuns: 120 },
    );
  });

  it("a valid token with a random proof is refused when the proof is wrong", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() !== ""),
        async (proof) => {
          const res = await h.app.inject({
            method: "GET",
            url: "/9001",
            query: { access_token: "EAAB-proof-ann", appsecret_proof: proof },
          });
          const body = JSON.parse(res.body);
          expect(res.statusCode).toBe(400);
          expect(body.error.message).toBe("Invalid appsecret_proof provided in the API argument");
        },
      ),
      { numRuns: 60 },
    );
  });
});
