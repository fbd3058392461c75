import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testLeadsOfForm } from "../src/storage/repositories/leads-repository.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { FORM_8001_WITH_AD, insertManyLeads } from "./support/many-leads.ts";
import { exampleWorld } from "./support/worlds.ts";

/**
 * A form's test leads are found through a partial index of test leads (migration 0016), not by
 * walking every lead of the form: each test-lead creation asks for them. Checked in the plan each
 * database makes for the query the repository runs (on PostgreSQL the plan it keeps for a prepared
 * statement, made for no form in particular), on a form with 20,000 leads.
 */
describe.each(databaseKinds())("the test leads of a form (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    await insertManyLeads(h.runtime.services.store, {
      ...FORM_8001_WITH_AD,
      count: 20_000,
      newest: 1_795_000_000,
    });
    await sql`analyze leads`.execute(h.runtime.connection.db);
  }, 60_000);
  afterAll(async () => h?.close());

  it("are read through the index of test leads", async () => {
    const db = h.runtime.connection.db;
    const text = testLeadsOfForm.sqlFor(db);
    let plan: string;
    if (kind === "sqlite") {
      const rows = await sql<{ detail: string }>`explain query plan ${sql.raw(text.replace("?", "'8001'"))}`.execute(db);
      plan = rows.rows.map((r) => r.detail).join("\n");
    } else {
      plan = await db.connection().execute(async (c) => {
        await sql`set plan_cache_mode = force_generic_plan`.execute(c);
        await sql.raw(`prepare test_leads_of(text) as ${text}`).execute(c);
        const rows = await sql<{ "QUERY PLAN": string }>`explain execute test_leads_of('8001')`.execute(c);
        await sql`deallocate test_leads_of`.execute(c);
        await sql`reset plan_cache_mode`.execute(c);
        return rows.rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    }
    expect(plan).toContain("leads_test_by_form");
  });

  it("are found, newest first, among the form's other leads", async () => {
    const first = await h.graph("POST", "/8002/test_leads", { token: "EAAB-page-other" });
    expect(first.status).toBe(200);
    const leads = await h.runtime.services.store.leads.testLeadsOf("8002");
    expect(leads.map((l) => l.id)).toEqual([first.body.id]);
    expect(await h.runtime.services.store.leads.testLeadsOf("8001")).toEqual([]);
  });
});
