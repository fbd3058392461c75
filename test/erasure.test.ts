import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin } from "./support/admin-client.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { rawRows } from "./support/raw-count.ts";
import { exampleWorld } from "./support/worlds.ts";

const PAGE = "EAAB-page-acme";
const OTHER_PAGE = "EAAB-page-other";

/** Everything personal the erased person gave, in the spellings a leak would show. */
const PERSONAL = [/jane/i, /doe/i, /4155550100/, /555-0100/, /555 0100/];

describe.each(databaseKinds())("erasure end to end (%s)", (kind) => {
  let h: Harness;
  const ids: Record<string, string> = {};

  const addLeads = async (formId: string, leads: unknown[]): Promise<string[]> => {
    const res = await admin(h, "POST", `/forms/${formId}/leads`, { leads });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.ids ?? res.body.data?.map((l: { id: string }) => l.id);
  };
  const formCount = async (formId: string, token: string) =>
    (await h.graph("GET", `/${formId}`, { token, query: { fields: "leads_count" } })).body.leads_count as number;
  const exportCsv = async () =>
    (await h.graph("GET", "/ads/lead_gen/export_csv/", { query: { id: "8003", type: "form", format: "csv" }, token: PAGE })).body as string;

  beforeAll(async () => {
    const world = exampleWorld();
    world.forms!.push({
      id: "8003",
      page_id: "3001",
      name: "Call me back",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "PHONE" }],
      created_time: "2026-06-01T00:00:00+0000",
    });
    h = await startHarness(kind, { world });
    [ids.a, ids.c, ids.keep] = (await addLeads("8003", [
      {
        created_time: TEST_NOW - 60,
        field_data: [
          { name: "full_name", values: ["Jane Doe"] },
          { name: "email", values: ["Jane.Doe@Example.com"] },
          { name: "phone_number", values: ["+1 415-555-0100"] },
        ],
      },
      {
        created_time: TEST_NOW - 50,
        field_data: [
          { name: "full_name", values: ["J. Doe"] },
          { name: "phone_number", values: ["(415) 555-0100"] },
        ],
      },
      {
        created_time: TEST_NOW - 40,
        field_data: [
          { name: "full_name", values: ["John Other"] },
          { name: "email", values: ["john@example.com"] },
          { name: "phone_number", values: ["+14155550199"] },
        ],
      },
    ])) as [string, string, string];
    [ids.b] = (await addLeads("8002", [
      { created_time: TEST_NOW - 30, field_data: [{ name: "email", values: [" jane.doe@example.com"] }] },
    ])) as [string];
    // Deliveries the dispatcher would have made: A still pending, B already delivered.
    const now = h.clock.nowMs();
    await h.runtime.services.store.webhooks.insertDeliveries(
      [ids.a, ids.b].map((leadId, i) => ({
        id: `77${i}`,
        eventId: null,
        appId: "1001",
        pageId: i === 0 ? "3001" : "3002",
        formId: i === 0 ? "8003" : "8002",
        leadId,
        adId: null,
        leadCreatedTime: TEST_NOW,
        kind: "redelivery" as const,
        redeliveryOf: null,
        createdMs: now,
        nextAttemptMs: now + 3_600_000,
      })),
    );
    await h.runtime.connection.db
      .updateTable("webhook_deliveries")
      .set({ status: "delivered", finished_ms: now })
      .where("id", "=", "771")
      .execute();
  });
  afterAll(async () => h?.close());

  it("finds the person's leads on a dry run without erasing anything", async () => {
    const res = await admin(h, "POST", "/erasures", { email: "JANE.DOE@example.com", dry_run: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      leads_matched: 2,
      matched_by: "email",
      form_ids: ["8002", "8003"],
      page_ids: ["3001", "3002"],
    });
    expect([...res.body.lead_ids].sort()).toEqual([ids.a, ids.b].sort());
    expect((await h.graph("GET", `/${ids.a}`, { token: PAGE })).status).toBe(200);
  });

  it("erases a person by email, then by phone in another spelling, from every read, count, export and table", async () => {
    const before = await formCount("8003", PAGE);
    expect(await exportCsv()).toMatch(/Jane/);

    const byEmail = await h.app.inject({
      method: "POST",
      url: "/_leadgraph/admin/erasures",
      payload: { email: "  JANE.DOE@example.com", reference: "ticket-42" },
      headers: { authorization: `Bearer ${h.runtime.adminKey}` },
    });
    expect(byEmail.statusCode).toBe(200);
    const e1 = byEmail.json();
    expect(e1.erasure).toMatchObject({
      kind: "person",
      matched_by: "email",
      leads_erased: 2,
      form_ids: ["8002", "8003"],
      page_ids: ["3001", "3002"],
      deliveries_cancelled: 1,
      already_delivered: 1,
      via: "api",
      reference: "ticket-42",
    });
    expect(e1.not_recalled).toMatch(/delivered by webhook.*not recalled/);

    const byPhone = await admin(h, "POST", "/erasures", { phone: "415.555.0100", country: "us" });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.erasure).toMatchObject({ matched_by: "phone", leads_erased: 1, lead_ids: [ids.c] });

    for (const id of [ids.a, ids.b, ids.c]) {
      const read = await h.graph("GET", `/${id}`, { token: PAGE });
      expect(read.status).toBe(400);
      expect(read.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    }
    const list = (await h.graph("GET", "/8003/leads", { token: PAGE, query: { limit: "100" } })).body;
    const listed = list.data.map((l: { id: string }) => l.id);
    expect(listed).toContain(ids.keep);
    expect(listed).not.toContain(ids.a);
    expect(listed).not.toContain(ids.c);
    expect((await h.graph("GET", "/8002/leads", { token: OTHER_PAGE })).body.data).toEqual([]);
    expect(await formCount("8003", PAGE)).toBe(before - 2);
    expect(await formCount("8002", OTHER_PAGE)).toBe(0);
    const csv = await exportCsv();
    expect(csv).toMatch(/John Other/);
    for (const p of PERSONAL) expect(csv).not.toMatch(p);

    const gone = [ids.a, ids.b, ids.c];
    const marks = gone.map(() => "?").join(",");
    expect(await rawRows(h.db, `select id from leads where id in (${marks})`, gone)).toEqual([]);
    expect(await rawRows(h.db, `select id from lead_events where lead_id in (${marks})`, gone)).toEqual([]);
    for (const trace of ["%Doe%", "%555%0100%"])
      expect(await rawRows(h.db, "select id from leads where field_data like ?", [trace])).toEqual([]);
    expect(await rawRows(h.db, "select status, last_error from webhook_deliveries where id = ?", ["770"])).toEqual([
      { status: "cancelled", last_error: "cancelled: the lead was erased" },
    ]);
    expect(await rawRows(h.db, "select count(*) as n from webhook_deliveries where status = 'pending'")).toEqual([
      { n: kind === "postgres" ? "0" : 0 },
    ]);

    const forms = await rawRows(h.db, "select id, leads_count from forms where id in ('8002','8003') order by id");
    expect(forms.map((f) => Number(f.leads_count))).toEqual([0, before - 2]);
  });

  it("keeps an audit log of what went, when and by whom, without the personal data", async () => {
    const log = await admin(h, "GET", "/erasures");
    expect(log.status).toBe(200);
    expect(log.body.data).toHaveLength(2);
    const [phone, email] = log.body.data;
    expect(email).toMatchObject({
      kind: "person",
      matched_by: "email",
      leads_erased: 2,
      time: "2026-11-28T12:00:00+0000",
      actor: expect.stringMatching(/^admin key [0-9a-f]{12}$/),
    });
    expect(email.identifier_hashes).toEqual([expect.stringMatching(/^email:hmac-sha256:[0-9a-f]{64}$/)]);
    expect(phone.identifier_hashes).toEqual([expect.stringMatching(/^phone:hmac-sha256:[0-9a-f]{64}$/)]);
    expect(email.actor).not.toContain(h.runtime.adminKey);
    const raw = JSON.stringify(await rawRows(h.db, "select * from erasure_audit"));
    for (const p of [...PERSONAL, /example\.com/, /14155550100/]) expect(raw).not.toMatch(p);
    expect(raw).toContain(ids.a);
    expect((await admin(h, "GET", `/erasures/${email.id}`)).body).toEqual(email);
    const paged = await admin(h, "GET", "/erasures?limit=1");
    expect(paged.body.data).toEqual([phone]);
    const next = await admin(h, "GET", `/erasures?limit=1&after=${paged.body.paging.cursors.after}`);
    expect(next.body.data).toEqual([email]);
    // The same person asked again hashes to the same value: the log can tell a repeated request.
    const again = await admin(h, "POST", "/erasures", { email: "jane.doe@EXAMPLE.com" });
    expect(again.body.erasure).toMatchObject({ leads_erased: 0, matched_by: null, identifier_hashes: email.identifier_hashes });
  });

  it("deletes one lead by id, and answers Graph errors for unknown leads and bad queries", async () => {
    const del = await h.app.inject({
      method: "DELETE",
      url: `/_leadgraph/admin/leads/${ids.keep}`,
      headers: { authorization: `Bearer ${h.runtime.adminKey}`, "x-leadgraph-client": "console" },
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().erasure).toMatchObject({
      kind: "lead",
      leads_erased: 1,
      lead_ids: [ids.keep],
      via: "console",
      identifier_hashes: [],
    });
    expect((await h.graph("GET", `/${ids.keep}`, { token: PAGE })).status).toBe(400);
    expect(await rawRows(h.db, "select id from leads where id = ?", [ids.keep])).toEqual([]);

    const missing = await admin(h, "DELETE", `/leads/${ids.keep}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await admin(h, "DELETE", "/leads/not-an-id")).status).toBe(404);
    for (const [body, field] of [
      [{}, "email"],
      [{ email: "nobody" }, "email"],
      [{ phone: "555-0100" }, "phone"],
      [{ phone: "4155550100", country: "usa" }, "country"],
      [{ email: "a@b.c", extra: 1 }, "extra"],
    ] as const) {
      const res = await admin(h, "POST", "/erasures", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(100);
      expect(res.body.error.message).toContain(field);
    }
    expect((await h.app.inject({ method: "POST", url: "/_leadgraph/admin/erasures", payload: { email: "a@b.c" } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: "GET", url: "/_leadgraph/admin/erasures" })).statusCode).toBe(401);
  });
  it("refuses to redeliver a delivery whose lead was erased", async () => {
    // Delivery 771 announced lead B, which the person erasure above removed.
    const res = await admin(h, "POST", "/webhooks/deliveries/771/redeliver", {});
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, type: "OAuthException" });
    expect(res.body.error.message).toContain(`Lead ${ids.b} of this delivery was erased or deleted`);
  });
});
