import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";

/**
 * What kind of object an id names (form, page, ad…) is kept by the directory cache once found: it
 * never changes under an id. These pin what keeping it must not break: an object made a moment ago
 * is found (not-found is never kept), an object removed since is not served, and an id reused as
 * another kind (a world reset) is seen once the generation moves.
 */
describe.each(databaseKinds())("object kinds in the directory cache (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  const db = () => h.runtime.connection.db;
  const directory = () => h.runtime.services.store.directory;
  const insertForm = (id: string) =>
    sql`insert into forms (id, page_id, name, status, locale, created_time, spec)
        select ${id}, page_id, 'Direct', status, locale, created_time, spec from forms where id = '8001'`.execute(db());

  it("finds an object made after its id was asked for and not found", async () => {
    const id = "88880001";
    expect(await directory().kindOf(id)).toBeUndefined();
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    await insertForm(id);
    expect(await directory().kindOf(id)).toBe("form");
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).body).toMatchObject({ data: [] });
  });

  it("does not serve an object removed since its kind was kept", async () => {
    const id = "88880002";
    await insertForm(id);
    expect((await h.graph("GET", `/${id}/leads`, { token: PAGE })).status).toBe(200);
    expect(await directory().kindOf(id)).toBe("form");
    await sql`delete from forms where id = ${id}`.execute(db());
    // The kind is still kept (forms do not move the generation); the form itself is read afresh.
    expect(await directory().kindOf(id)).toBe("form");
    const res = await h.graph("GET", `/${id}/leads`, { token: PAGE });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it("sees an id reused as another kind once the generation moves", async () => {
    const id = "88880003";
    await insertForm(id);
    expect(await directory().kindOf(id)).toBe("form");
    await sql`delete from forms where id = ${id}`.execute(db());
    // Pages are a cached table: this process's own write moves its generation at once (another
    // instance's would through the notification, test/read-cache-postgres.test.ts).
    await sql`insert into pages (id, name, category, created_time) values (${id}, 'Reused', 'Business', 0)`.execute(db());
    expect(await directory().kindOf(id)).toBe("page");
  });

  it("never keeps a lead's kind: an erased lead is gone at once", async () => {
    const lead = await h.graph("POST", "/8002/test_leads", { token: "EAAB-page-other" });
    const id = lead.body.id as string;
    expect(await directory().kindOf(id)).toBe("lead");
    await sql`delete from leads where id = ${id}`.execute(db());
    expect(await directory().kindOf(id)).toBeUndefined();
  });
});
