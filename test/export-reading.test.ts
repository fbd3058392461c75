import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leadExportRows } from "../src/domain/export/lead-export.ts";
import { accessWorld } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { leadRecord } from "./support/lead-records.ts";

/** Leads 70000–70036: created_time in groups of three (ties), ids not in insertion order. */
const TIED = 37;
const tiedTime = (i: number) => TEST_NOW - 5 * 86_400 - Math.floor(i / 3) * 60;
const lead = leadRecord;

describe.each(databaseKinds())("reading leads for an export (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
    await h.runtime.services.store.leads.insert([
      ...Array.from({ length: TIED }, (_, i) => lead(String(70_000 + ((i * 7) % TIED)), tiedTime(i))),
      lead("70100", TEST_NOW - 4 * 86_400, { isTest: true, adId: "7001", createdByUserId: "2001", isOrganic: false }),
      lead("70101", TEST_NOW - 4 * 86_400 - 1, { isTest: true, createdByUserId: "2003" }),
      lead("70102", TEST_NOW - 4 * 86_400 - 2, { fieldData: [{ name: "full_name", values: ["lone\rcarriage return"] }] }),
    ]);
  });
  afterAll(async () => h?.close());

  const exportIds = async (token: string, query: Record<string, string> = {}) => {
    const res = await h.graph("GET", "/ads/lead_gen/export_csv/", { query: { id: "8001", type: "form", ...query }, token });
    expect(res.status).toBe(200);
    return parse(res.body, { delimiter: "\t" }).slice(1);
  };

  it("reads every lead exactly once across chunk boundaries, ties and inclusive range ends included", async () => {
    const { services } = h.runtime;
    const caller = await services.policy.authenticate({ token: "EAAB-page-acme", appsecretProof: undefined });
    const form = (await services.store.forms.get("8001"))!;
    // Both ends fall inside a group of three leads with the same created_time.
    const range = { from: tiedTime(31), to: tiedTime(4) };
    const expected = (await services.store.leads.list({ formId: "8001", fromTime: range.from, beforeTime: range.to + 1, limit: 1000 })).map(
      (l) => l.id,
    );
    expect(expected).toHaveLength(3 * (Math.floor(31 / 3) - Math.floor(4 / 3) + 1));
    for (const chunk of [1, 2, 3, 4, 1000]) {
      const ids: string[] = [];
      for await (const batch of leadExportRows({ store: services.store, policy: services.policy, caller }, form, range, chunk)) {
        for (const row of batch) ids.push(row[0]!);
      }
      expect(ids.shift()).toBe("id");
      expect(ids, `chunk ${chunk}`).toEqual(expected);
    }
  });

  it("never reads past beforeTime, whatever cursor it is given", async () => {
    const rows = await h.runtime.services.store.leadExport.chunk({
      formId: "8001",
      fromTime: 0,
      beforeTime: tiedTime(4),
      olderThan: { t: TEST_NOW, id: "99999" },
      limit: 1000,
    });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.createdTime).toBeLessThan(tiedTime(4));
  });

  it("shows a development-mode app only its role users' leads, and test leads without ad columns", async () => {
    const dev = await exportIds("EAAB-dev-ann");
    // 9003 was submitted by a tester of the app; 70100 is a test lead created by its administrator.
    expect(dev.map((r) => r[0])).toEqual(["70100", "9003"]);
    expect(dev[0]!.slice(2, 8)).toEqual(["", "", "", "", "", ""]);
    expect(dev[1]!.slice(2, 8)).toEqual(["7001", "Test drive ad", "6001", "Spring US", "5001", "Spring Sale"]);
    const live = (await exportIds("EAAB-user-ann")).map((r) => r[0]);
    expect(live).toEqual(expect.arrayContaining(["9001", "9003", "70100", "70101", "70102", "70000"]));
    expect(live).toHaveLength(TIED + 6);
  });

  it("keeps a lone carriage return inside its cell", async () => {
    for (const [format, delimiter] of [
      ["tsv", "\t"],
      ["csv", ","],
    ] as const) {
      const res = await h.graph("GET", "/ads/lead_gen/export_csv/", {
        query: { id: "8001", type: "form", format },
        token: "EAAB-user-ann",
      });
      const rows = parse(res.body, { delimiter });
      expect(rows.find((r) => r[0] === "70102")![12]).toBe("lone\rcarriage return");
    }
  });
});
