import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/storage/index.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * On SQLite, token, app, role, page and ad lookups are cached per "directory generation" (a
 * counter that triggers bump on every change). A change must be seen by the next request whoever
 * made it: this process's API, or another process writing the file directly.
 */
describe("directory read cache (sqlite)", () => {
  let h: Harness;
  let other: Database.Database;
  beforeAll(async () => {
    h = await startHarness("sqlite", { world: exampleWorld() });
    // Another process's connection to the same file (the CLI, a second server, a hand-run SQL fix).
    other = new Database(h.db.config.db);
    other.pragma("busy_timeout = 5000");
  });
  afterAll(async () => {
    other?.close();
    await h?.close();
  });

  const read = () => h.graph("GET", "/9001", { token: "EAAB-page-acme" });
  const generation = () => Number(other.prepare("select n from directory_generation where id = 1").pluck().get());

  it("bumps the generation on every change to a cached table and not on lead reads", async () => {
    const before = generation();
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200);
    expect(generation()).toBe(before);
    other.prepare("update users set name = name || '' where id = '2001'").run();
    expect(generation()).toBe(before + 1);
  });

  it("sees a token invalidated by another connection on the next request", async () => {
    expect((await read()).status).toBe(200);
    other
      .prepare("update tokens set invalidated_subcode = 467, invalidated_reason = null where token_hash = ?")
      .run(hashToken("EAAB-page-acme"));
    // A change from another process is seen once the event loop has turned.
    await new Promise((r) => setImmediate(r));
    const res = await read();
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 467 });
    other.prepare("update tokens set invalidated_subcode = null where token_hash = ?").run(hashToken("EAAB-page-acme"));
    await new Promise((r) => setImmediate(r));
    expect((await read()).status).toBe(200);
  });

  it("sees a page role removed by another connection (190/492 for the page token)", async () => {
    expect((await read()).status).toBe(200);
    const role = other.prepare("select * from page_roles where page_id = '3001' and user_id = '2001'").get() as Record<string, unknown>;
    other.prepare("delete from page_roles where page_id = '3001' and user_id = '2001'").run();
    await new Promise((r) => setImmediate(r));
    const res = await read();
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 492 });
    other.prepare("insert into page_roles (page_id, user_id, tasks) values (@page_id, @user_id, @tasks)").run(role);
    await new Promise((r) => setImmediate(r));
    expect((await read()).status).toBe(200);
  });

  it("sees ad-level fields disappear at once when the ad account role is removed through this process", async () => {
    const withAd = await h.graph("GET", "/9001", { token: "EAAB-page-acme", query: { fields: "id,ad_id,campaign_name" } });
    expect(withAd.body.ad_id).toBe("7001");
    const role = other.prepare("select * from ad_account_roles where user_id = '2001'").get() as Record<string, unknown>;
    // Through this process's own connection, with no turn of the event loop in between.
    await h.runtime.services.store.transaction(async (tx) => {
      await tx.directory.setAdAccountRole({ accountId: String(role.account_id), userId: "2001", role: "ANALYST" });
    });
    const without = await h.graph("GET", "/9001", { token: "EAAB-page-acme", query: { fields: "id,ad_id,campaign_name" } });
    expect(without.body.ad_id).toBeUndefined();
    expect(without.body.campaign_name).toBeUndefined();
    other.prepare("update ad_account_roles set role = @role where account_id = @account_id and user_id = @user_id").run(role);
    await new Promise((r) => setImmediate(r));
    const back = await h.graph("GET", "/9001", { token: "EAAB-page-acme", query: { fields: "id,ad_id" } });
    expect(back.body.ad_id).toBe("7001");
  });

  it("does not keep what a rolled-back transaction wrote", async () => {
    await expect(
      h.runtime.services.store.transaction(async (tx) => {
        await tx.tokens.invalidate({ pageId: "3001" }, 467, "rolled back");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await read()).status).toBe(200);
  });
});
