import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeadEvent, LeadRecord } from "../src/domain/model.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { leadRecord } from "./support/lead-records.ts";
import { countPgStatements, recordPgStatements } from "./support/pg-statements.ts";
import { exampleWorld } from "./support/worlds.ts";

countPgStatements();

/**
 * `store.leads.insert` outside a transaction writes leads, their forms' counters and their outbox rows
 * as one durable unit (on PostgreSQL one statement for up to 16 leads of one form,
 * a transaction otherwise): all of it or none of it, whichever way it is written.
 */
describe.each(databaseKinds())("leads written as one unit (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  const lead = (formId: string, pageId: string, n: number, id = h.runtime.services.ids.next()): LeadRecord =>
    leadRecord(id, 1_790_000_000 + n, {
      formId,
      pageId,
      isOrganic: n % 2 === 0,
      fieldData: [{ name: "email", values: [`p${n}@example.com`] }],
      source: "admin",
    });
  const eventOf = (l: LeadRecord): LeadEvent => ({
    id: h.runtime.services.ids.next(),
    leadId: l.id,
    pageId: l.pageId,
    formId: l.formId,
    adId: null,
    createdTime: l.createdTime,
    enqueuedAt: l.createdTime,
  });
  const newForm = async (name: string, page = "3001", token = "EAAB-page-acme") =>
    (await h.graph("POST", `/${page}/leadgen_forms`, { token, body: { name, questions: [{ type: "EMAIL" }] } })).body.id as string;
  const state = async (formId: string) => {
    const db = h.runtime.connection.db;
    const form = await db
      .selectFrom("forms")
      .select(["leads_count", "organic_leads_count"])
      .where("id", "=", formId)
      .executeTakeFirstOrThrow();
    const leads = await db.selectFrom("leads").select("id").where("form_id", "=", formId).execute();
    const events = await db.selectFrom("lead_events").select("lead_id").where("form_id", "=", formId).execute();
    return {
      leadsCount: Number(form.leads_count),
      organic: Number(form.organic_leads_count),
      leads: leads.map((r) => r.id).sort(),
      events: events.map((r) => r.lead_id).sort(),
    };
  };

  it("writes a lead with its counters and outbox row; on PostgreSQL in one statement", async () => {
    const form = await newForm("One unit");
    const l = lead(form, "3001", 0);
    let answer: unknown;
    const sent = await recordPgStatements(async () => {
      answer = await h.runtime.services.store.leads.insert([l], [eventOf(l)], { activeFormsOnly: true });
    });
    expect(answer).toEqual({ inactiveForms: [] });
    if (kind === "postgres") expect(sent, sent.join("\n")).toHaveLength(1);
    expect(await state(form)).toEqual({ leadsCount: 1, organic: 1, leads: [l.id], events: [l.id] });
  });

  for (const size of [2, 401]) {
    it(`writes nothing when one of ${size} leads cannot be inserted (an id already taken)`, async () => {
      const form = await newForm(`Collision ${size}`);
      const first = lead(form, "3001", 0);
      await h.runtime.services.store.leads.insert([first], [eventOf(first)]);
      const batch = Array.from({ length: size }, (_, i) => lead(form, "3001", i + 1, i === size - 1 ? first.id : undefined));
      await expect(h.runtime.services.store.leads.insert(batch, batch.map(eventOf))).rejects.toThrow();
      expect(await state(form)).toEqual({ leadsCount: 1, organic: 1, leads: [first.id], events: [first.id] });
    });
  }

  it("writes nothing into a form that is not ACTIVE, and names it; also beside a form that is", async () => {
    const archived = await newForm("Archived");
    const open = await newForm("Open");
    await sql`update forms set status = 'ARCHIVED' where id = ${archived}`.execute(h.runtime.connection.db);
    const alone = [lead(archived, "3001", 0)];
    expect(await h.runtime.services.store.leads.insert(alone, alone.map(eventOf), { activeFormsOnly: true })).toEqual({
      inactiveForms: [archived],
    });
    // Two forms go through a transaction; the open form's counters, bumped first, are rolled back.
    const both = [lead(open, "3001", 0), lead(archived, "3001", 1)];
    expect(await h.runtime.services.store.leads.insert(both, both.map(eventOf), { activeFormsOnly: true })).toEqual({
      inactiveForms: [archived],
    });
    const empty = { leadsCount: 0, organic: 0, leads: [], events: [] };
    expect(await state(archived)).toEqual(empty);
    expect(await state(open)).toEqual(empty);
    // Without activeFormsOnly (a world file's history) an archived form takes leads.
    expect(await h.runtime.services.store.leads.insert(alone, [])).toEqual({ inactiveForms: [] });
    expect(await state(archived)).toEqual({ leadsCount: 1, organic: 1, leads: [alone[0]!.id], events: [] });
  });

  it("answers an unknown form as inactive and writes nothing", async () => {
    const ghost = [lead("999999", "3001", 0)];
    expect(await h.runtime.services.store.leads.insert(ghost, ghost.map(eventOf), { activeFormsOnly: true })).toEqual({
      inactiveForms: ["999999"],
    });
    expect((await h.runtime.connection.db.selectFrom("leads").select("id").where("id", "=", ghost[0]!.id).execute()).length).toBe(0);
  });

  it("counts every one of 60 leads written at once into one form", async () => {
    const form = await newForm("Concurrent");
    const leads = Array.from({ length: 60 }, (_, i) => lead(form, "3001", i));
    await Promise.all(leads.map((l) => h.runtime.services.store.leads.insert([l], [eventOf(l)], { activeFormsOnly: true })));
    const ids = leads.map((l) => l.id).sort();
    expect(await state(form)).toEqual({ leadsCount: 60, organic: 30, leads: ids, events: ids });
  });

  it("writes a batch of 401 leads of one form, and of two forms, whole", async () => {
    const a = await newForm("Batch A");
    const b = await newForm("Batch B", "3002", "EAAB-page-other");
    const big = Array.from({ length: 401 }, (_, i) => lead(a, "3001", i));
    await h.runtime.services.store.leads.insert(big, big.map(eventOf), { activeFormsOnly: true });
    const mixed = [lead(a, "3001", 1000), lead(b, "3002", 1001), lead(b, "3002", 1002)];
    await h.runtime.services.store.leads.insert(mixed, mixed.map(eventOf), { activeFormsOnly: true });
    const inA = [...big, mixed[0]!].map((l) => l.id).sort();
    expect(await state(a)).toEqual({ leadsCount: 402, organic: 202, leads: inA, events: inA });
    const inB = mixed
      .slice(1)
      .map((l) => l.id)
      .sort();
    expect(await state(b)).toEqual({ leadsCount: 2, organic: 1, leads: inB, events: inB });
  });
});
