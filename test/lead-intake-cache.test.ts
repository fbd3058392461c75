import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";

/**
 * Lead intake reads form definitions from a per-process cache. These pin what the cache must never
 * change: an archived form takes no lead even when the archive came from elsewhere (another instance,
 * here a direct UPDATE the cache cannot see), and a rolled-back definition is never served.
 */
describe.each(databaseKinds())("lead intake with cached form definitions (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  const newForm = async (name: string) =>
    (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: { name, questions: [{ type: "EMAIL" }] } })).body.id as string;
  const leadsCount = async (id: string) =>
    (await h.graph("GET", `/${id}`, { token: PAGE, query: { fields: "leads_count" } })).body.leads_count;
  const archiveBehindTheCache = (id: string) => sql`update forms set status = 'ARCHIVED' where id = ${id}`.execute(h.runtime.connection.db);

  it("refuses a test lead into a form archived by another instance while this one still caches it as ACTIVE", async () => {
    const id = await newForm("Archived elsewhere");
    expect((await h.runtime.services.store.forms.definition(id))?.status).toBe("ACTIVE");
    await archiveBehindTheCache(id);
    expect((await h.runtime.services.store.forms.definition(id))?.status).toBe("ACTIVE"); // still cached
    const res = await h.graph("POST", `/${id}/test_leads`, { token: PAGE });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`form ${id} is archived and accepts no new leads`);
    expect(await leadsCount(id)).toBe(0);
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).body.data).toEqual([]);
  });

  it("answers a hosted-form submit to such a form with the closed page and writes nothing", async () => {
    const id = await newForm("Hosted, archived elsewhere");
    const page = await h.app.inject({ method: "GET", url: `/forms/${id}` });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;
    await archiveBehindTheCache(id);
    const res = await h.app.inject({
      method: "POST",
      url: `/forms/${id}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _token: token, "answer:email": "late@example.com" }).toString(),
    });
    expect(res.statusCode).toBe(410);
    expect(await leadsCount(id)).toBe(0);
  });

  it("refuses a lead at once after archiving through this process", async () => {
    const id = await newForm("Archived here");
    await h.runtime.services.store.forms.definition(id);
    expect((await h.graph("POST", `/${id}`, { token: PAGE, body: { status: "ARCHIVED" } })).body).toEqual({ success: true });
    expect((await h.runtime.services.store.forms.definition(id))?.status).toBe("ARCHIVED");
    const page = await h.app.inject({ method: "GET", url: `/forms/${id}` });
    expect(page.statusCode).toBe(410);
  });

  it("never serves a definition written by a transaction that rolled back", async () => {
    const store = h.runtime.services.store;
    const before = (await store.forms.get("8001"))!;
    await expect(
      store.transaction(async (tx) => {
        await tx.forms.upsert({ ...before, name: "Rolled back", spec: { ...before.spec, questions: [] } });
        expect((await tx.forms.definition("8001"))?.name).toBe("Rolled back");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const after = await store.forms.definition("8001");
    expect(after?.name).toBe(before.name);
    expect(after?.spec.questions.map((q) => q.key)).toEqual(before.spec.questions.map((q) => q.key));
  });

  it("hands out frozen definitions, so no caller can change another's", async () => {
    const def = (await h.runtime.services.store.forms.definition("8001"))!;
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.spec.questions[0])).toBe(true);
  });
});
