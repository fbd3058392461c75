import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/domain/clock.ts";
import { purgeExpiredLeads } from "../src/erasure/erase-leads.ts";
import { type RetentionJob, startRetentionJob } from "../src/erasure/retention-job.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { createRuntime, type Runtime } from "../src/runtime/runtime.ts";
import { admin } from "./support/admin-client.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { rawRows } from "./support/raw-count.ts";
import { exampleWorld } from "./support/worlds.ts";

const DAY = 86_400;
const PAGE = "EAAB-page-acme";

describe.each(databaseKinds())("lead retention on the manual clock (%s)", (kind) => {
  let h: Harness;
  let second: Runtime;
  let job: RetentionJob | undefined;
  const count = async () => Number((await rawRows(h.db, "select count(*) as n from leads"))[0]!.n);
  const add = async (n: number, ageDays: number) => {
    const leads = Array.from({ length: n }, (_, i) => ({
      created_time: TEST_NOW - ageDays * DAY - i,
      field_data: [
        { name: "full_name", values: [`Old ${ageDays} ${i}`] },
        { name: "email", values: [`p${i}@example.com`] },
      ],
    }));
    const res = await admin(h, "POST", "/forms/8001/leads", { leads });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld(), config: { leadRetentionDays: 30 } });
    // A second instance on the same database, with its own clock at the same time.
    second = await createRuntime(loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent", leadRetentionDays: 30 }), {
      clock: new ManualClock(TEST_NOW * 1000),
    });
  });
  afterAll(async () => {
    await job?.stop();
    await second?.close();
    await h?.close();
  });

  it("keeps leads for ever by default", async () => {
    const off = await createRuntime(loadConfig({ ...h.db.config, secretKey: h.db.secretKey, logLevel: "silent" }), {
      clock: new ManualClock((TEST_NOW + 999 * DAY) * 1000),
    });
    try {
      expect(off.config.leadRetentionDays).toBe(0);
      expect(startRetentionJob(off)).toBeUndefined();
      expect(await purgeExpiredLeads(off.services, off.config.leadRetentionDays)).toBe(0);
    } finally {
      await off.close();
    }
    expect(await count()).toBe(2);
  });

  it("erases leads once they pass the retention period as the clock moves, in batches, with an audit record", async () => {
    await add(1200, 10); // more than two purge batches
    await add(3, 1);
    const total = await count();
    expect(total).toBe(2 + 1203);
    job = startRetentionJob(h.runtime, { sweepMs: 20 });
    expect(job).toBeDefined();
    // Nothing is 30 days old yet: the world's leads are 7 and 8 days old.
    expect(await job!.runNow()).toBe(0);
    expect(await count()).toBe(total);

    h.clock.advance(21 * DAY * 1000); // the 10-day-old leads are now 31 days old
    await expect.poll(count, { timeout: 30_000 }).toBe(2 + 3);
    expect(await rawRows(h.db, "select id from leads where created_time < ?", [TEST_NOW - 9 * DAY])).toEqual([]);
    expect((await h.graph("GET", "/8001", { token: PAGE, query: { fields: "leads_count" } })).body.leads_count).toBe(5);

    const log = (await admin(h, "GET", "/erasures?limit=100")).body.data as {
      kind: string;
      leads_erased: number;
      actor: string;
      via: string;
      detail: string;
    }[];
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.every((a) => a.kind === "retention" && a.actor === "retention" && a.via === "schedule")).toBe(true);
    expect(log.every((a) => a.leads_erased <= 500)).toBe(true);
    expect(log.reduce((s, a) => s + a.leads_erased, 0)).toBe(1200);
    expect(log[0]!.detail).toContain("lead retention 30 days");
    expect(JSON.stringify(log)).not.toContain("example.com");
  });

  it("runs safely on two instances at once: each lead erased and audited once", async () => {
    await job?.stop();
    job = undefined;
    await add(700, 10);
    const before = (await admin(h, "GET", "/erasures?limit=100")).body.data.length as number;
    // Both instances' clocks stand past the new leads' period, and both purge at the same moment.
    (second.services.clock as ManualClock).set(h.clock.nowMs());
    const [a, b] = await Promise.all([purgeExpiredLeads(h.runtime.services, 30), purgeExpiredLeads(second.services, 30)]);
    expect(a + b).toBe(700);
    const after = (await admin(h, "GET", "/erasures?limit=100")).body.data.slice(0, -before) as { leads_erased: number }[];
    expect(after.reduce((s, x) => s + x.leads_erased, 0)).toBe(a + b);
    expect(await count()).toBe(5);
    expect(Number((await rawRows(h.db, "select leads_count from forms where id = '8001'"))[0]!.leads_count)).toBe(5);
  });
});
