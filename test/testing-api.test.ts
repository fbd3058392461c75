import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphLeadsClient } from "../src/client/index.ts";
import { type RunningLeadgraph, startLeadgraph } from "../src/testing/index.ts";
import { type ServeProcess, spawnServe, stopServe } from "./support/processes.ts";
import { exampleWorld } from "./support/worlds.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "leadgraph.js");

const leadIds = async (url: string, token: string, formId: string): Promise<string[]> => {
  const client = new GraphLeadsClient({ accessToken: token, baseUrl: url });
  const ids: string[] = [];
  for await (const lead of client.leads(formId)) ids.push(lead.id);
  return ids;
};

describe("leadgraph/testing", () => {
  let lg: RunningLeadgraph;
  const cwdBefore = readdirSync(process.cwd());

  beforeAll(async () => {
    lg = await startLeadgraph({ world: exampleWorld(), now: "2026-12-01T09:00:00Z" });
  });
  afterAll(() => lg?.close());

  it("listens on the port its socket was given and serves the world's leads to its tokens", async () => {
    expect(lg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(lg.url).port)).toBeGreaterThan(0);
    expect(lg.tokens.map((t) => t.token)).toContain("EAAB-page-acme");
    expect(lg.token({ type: "PAGE", page_id: "3001" })).toBe("EAAB-page-acme");
    expect(() => lg.token({ label: "nope" })).toThrow(/no token matching/);
    expect(await leadIds(lg.url, "EAAB-page-acme", "8001")).toEqual(["9002", "9001"]);
    // Absolute paging links point at the socket too.
    const page = (await (await fetch(`${lg.url}/v25.0/8001/leads?limit=1&access_token=EAAB-page-acme`)).json()) as {
      paging: { next: string };
    };
    expect(page.paging.next.startsWith(`${lg.url}/v25.0/8001/leads?`)).toBe(true);
  });

  it("creates leads, moves the clock, and a reset puts world and clock back", async () => {
    const [id] = await lg.createLead("8001", { field_data: [{ name: "email", values: ["ann@example.com"] }] });
    expect(await leadIds(lg.url, "EAAB-page-acme", "8001")).toEqual([id, "9002", "9001"]);
    const start = Date.parse("2026-12-01T09:00:00Z") / 1000;
    await lg.clock.advance("36h");
    expect(lg.clock.now()).toBe(start + 36 * 3600);
    const admin = (await (
      await fetch(`${lg.url}/_leadgraph/admin/clock`, { headers: { authorization: `Bearer ${lg.adminKey}` } })
    ).json()) as { now: number };
    expect(admin.now).toBe(start + 36 * 3600);
    await lg.clock.set("2027-01-01T00:00:00Z");
    expect(lg.clock.now()).toBe(Date.parse("2027-01-01T00:00:00Z") / 1000);
    const summary = await lg.reset();
    expect(summary).toMatchObject({ leads: 2, forms: 2 });
    expect(lg.clock.now()).toBe(start);
    expect(await leadIds(lg.url, "EAAB-page-acme", "8001")).toEqual(["9002", "9001"]);
  });

  it("logs the webhooks of new leads for the world's subscriptions", async () => {
    await lg.createLead("8001", { field_data: [{ name: "email", values: ["bo@example.com"] }] });
    // The world subscribes app 1001 to a callback nobody listens on: the delivery is logged and retried.
    await expect.poll(async () => (await lg.deliveries()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const [delivery] = await lg.deliveries();
    expect(delivery).toMatchObject({ app_id: "1001", page_id: "3001", form_id: "8001" });
  });

  it("resets to another world, and refuses a broken one without emptying anything", async () => {
    const small = { ...exampleWorld(), leads: [], tokens: exampleWorld().tokens!.slice(0, 2) };
    await lg.reset(small);
    expect(lg.tokens).toHaveLength(2);
    expect(await leadIds(lg.url, "EAAB-page-acme", "8001")).toEqual([]);
    await expect(lg.reset({ pages: [{ id: "x" }] } as never)).rejects.toThrow(/pages\[0\]/);
    const res = await fetch(`${lg.url}/v25.0/8001?access_token=EAAB-page-acme`);
    expect(res.status).toBe(200);
  });

  it("the same reset is an admin API call", async () => {
    const post = (body: unknown, key = lg.adminKey) =>
      fetch(`${lg.url}/_leadgraph/admin/reset`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({}, "wrong")).status).toBe(401);
    const bad = await post({ world: { forms: [{ id: "8001" }] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number; message: string } }).error).toMatchObject({
      code: 100,
      message: expect.stringMatching(/world\.forms\[0\]/),
    });
    const extra = await post({ wrold: {} });
    expect(extra.status).toBe(400);
    const ok = await post({ world: exampleWorld() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ success: true, world: { leads: 2 } });
    expect(await leadIds(lg.url, "EAAB-page-acme", "8001")).toEqual(["9002", "9001"]);
  });

  it("writes no file: the database is in memory and its secret key is not kept", () => {
    expect(readdirSync(process.cwd()).filter((f) => !cwdBefore.includes(f))).toEqual([]);
  });

  it("starts from a world file and closes its socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lg-testing-"));
    try {
      const file = join(dir, "world.json");
      writeFileSync(file, JSON.stringify(exampleWorld()));
      const other = await startLeadgraph({ world: file, webhooks: false });
      expect(await leadIds(other.url, other.token({ type: "PAGE", page_id: "3001" }), "8001")).toEqual(["9002", "9001"]);
      await other.close();
      await expect(fetch(`${other.url}/v25.0/8001`)).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(["world.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("leadgraph reset against `leadgraph serve`", () => {
  let dir: string;
  let serve: ServeProcess | undefined;
  const ADMIN = "test-admin-key-reset";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lg-reset-"));
    writeFileSync(join(dir, "world.json"), JSON.stringify(exampleWorld()));
    writeFileSync(join(dir, "small.json"), JSON.stringify({ ...exampleWorld(), leads: [] }));
    serve = await spawnServe([
      "--db",
      join(dir, "db.sqlite"),
      "--world",
      join(dir, "world.json"),
      "--admin-key",
      ADMIN,
      "--secret-key",
      "k".repeat(32),
    ]);
  });
  afterAll(async () => {
    await stopServe(serve);
    rmSync(dir, { recursive: true, force: true });
  });

  it("empties the server and loads the world file; the server keeps answering on its port", async () => {
    const url = serve!.url;
    await fetch(`${url}/_leadgraph/admin/forms/8001/leads`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ leads: [{ field_data: [{ name: "email", values: ["x@example.com"] }] }] }),
    });
    expect(await leadIds(url, "EAAB-page-acme", "8001")).toHaveLength(3);
    const out = await run(process.execPath, [BIN, "reset", "--world", join(dir, "small.json"), "--url", url, "--admin-key", ADMIN]);
    expect(JSON.parse(out.stdout)).toMatchObject({ leads: 0, forms: 2 });
    expect(await leadIds(url, "EAAB-page-acme", "8001")).toEqual([]);
    await run(process.execPath, [BIN, "reset", "--world", join(dir, "world.json"), "--url", url, "--admin-key", ADMIN]);
    expect(await leadIds(url, "EAAB-page-acme", "8001")).toEqual(["9002", "9001"]);
    const refused = await run(process.execPath, [BIN, "reset", "--url", url, "--admin-key", "wrong"]).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect(refused).toMatchObject({ code: 1 });
  });
});
