import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/app.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { databaseKinds, freshDatabase, type TestDatabase } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

describe.each(databaseKinds())("admin clock (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());
  const call = (method: "GET" | "POST", payload?: unknown, key = h.runtime.adminKey) =>
    h.app.inject({
      method,
      url: "/_leadgraph/admin/clock",
      headers: { authorization: `Bearer ${key}` },
      ...(payload ? { payload: payload } : {}),
    });

  it("shows, sets and advances the manual clock", async () => {
    expect((await call("GET")).json()).toMatchObject({ mode: "manual", now: TEST_NOW, now_iso: "2026-11-28T12:00:00+0000" });
    expect((await call("POST", { advance: "36h" })).json()).toMatchObject({ now: TEST_NOW + 36 * 3600 });
    expect(h.clock.nowMs()).toBe((TEST_NOW + 36 * 3600) * 1000);
    expect((await call("POST", { set: TEST_NOW })).json()).toMatchObject({ now: TEST_NOW });
    expect((await call("POST", { set: "2026-12-01T00:00:00+0000" })).json()).toMatchObject({
      now: Date.parse("2026-12-01T00:00:00Z") / 1000,
    });
    h.clock.set(TEST_NOW * 1000);
  });

  it("answers Graph errors for bad bodies and a missing admin key", async () => {
    for (const body of [{}, { set: 1, advance: "1h" }, { set: "soon" }, { advance: "later" }, { advance: "-5" }]) {
      const res = await call("POST", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe(100);
    }
    expect((await call("GET", undefined, "wrong-key-wrong-key")).statusCode).toBe(401);
    expect(h.clock.nowMs()).toBe(TEST_NOW * 1000);
  });
});

describe.each(databaseKinds())("shared manual clock (%s)", (kind) => {
  let db: TestDatabase;
  const runtimes: Runtime[] = [];
  beforeAll(async () => {
    db = await freshDatabase(kind);
  });
  afterAll(async () => {
    for (const r of runtimes) await r.close();
    await db?.drop();
  });
  const open = async (clock: string) => {
    const r = await createRuntime(
      loadConfig({ ...db.config, secretKey: db.secretKey, logLevel: "silent", clock, adminKey: "admin-key-for-tests-0001" }),
    );
    runtimes.push(r);
    return r;
  };

  it("is one time for every instance on the database, seen promptly by the others", async () => {
    const a = await open(`manual:${TEST_NOW}`);
    const b = await open("manual");
    expect(b.services.clock.nowMs()).toBe(TEST_NOW * 1000);
    const app = await buildApp(a);
    const res = await app.inject({
      method: "POST",
      url: "/_leadgraph/admin/clock",
      headers: { authorization: "Bearer admin-key-for-tests-0001" },
      payload: { advance: "2d" },
    });
    expect(res.json()).toMatchObject({ mode: "manual", now: TEST_NOW + 2 * 86_400 });
    await app.close();
    expect(a.services.clock.nowMs()).toBe((TEST_NOW + 2 * 86_400) * 1000);
    // b picks the change up by its poll (250 ms)…
    await expect.poll(() => b.services.clock.nowMs(), { timeout: 5_000 }).toBe((TEST_NOW + 2 * 86_400) * 1000);
    // …and an advance on b builds on it.
    await b.clockControl.advance(3600_000);
    await a.clockControl.refresh();
    expect(a.services.clock.nowMs()).toBe((TEST_NOW + 2 * 86_400 + 3600) * 1000);
  });

  it("counts every advance when instances advance at the same time", async () => {
    const a = await open(`manual:${TEST_NOW}`);
    const b = await open("manual");
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).clockControl.advance(60_000)));
    await a.clockControl.refresh();
    await b.clockControl.refresh();
    expect(a.services.clock.nowMs()).toBe((TEST_NOW + 20 * 60) * 1000);
    expect(b.services.clock.nowMs()).toBe((TEST_NOW + 20 * 60) * 1000);
  });

  it("refuses to move a system clock with a clear error", async () => {
    const s = await open("system");
    const app = await buildApp(s);
    const get = await app.inject({
      method: "GET",
      url: "/_leadgraph/admin/clock",
      headers: { authorization: "Bearer admin-key-for-tests-0001" },
    });
    expect(get.json()).toMatchObject({ mode: "system" });
    expect(Math.abs(get.json().now - Date.now() / 1000)).toBeLessThan(60);
    const post = await app.inject({
      method: "POST",
      url: "/_leadgraph/admin/clock",
      headers: { authorization: "Bearer admin-key-for-tests-0001" },
      payload: { advance: "1h" },
    });
    expect(post.statusCode).toBe(400);
    expect(post.json().error.message).toMatch(/system clock and cannot be moved.*--clock manual/);
    await app.close();
  });
});
