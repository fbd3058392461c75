import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenCommand } from "../src/cli/commands/token.ts";
import { accessWorld } from "./support/access-world.ts";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";

describe.each(databaseKinds())("leadgraph token … against a running server (%s)", (kind) => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness(kind, { world: accessWorld() });
    url = await h.listen();
  });
  afterAll(async () => h?.close());

  async function run(...args: string[]): Promise<string> {
    let out = "";
    const cmd = tokenCommand({
      out: (t) => {
        out += t;
      },
    });
    cmd.exitOverride();
    await cmd.parseAsync(["--url", url, "--admin-key", h.runtime.adminKey, ...args], { from: "user" });
    return out;
  }

  it("creates a token that reads leads, lists it, debugs it and revokes it", async () => {
    const text = (
      await run(
        "create",
        "--type",
        "PAGE",
        "--app",
        "1001",
        "--user",
        "2001",
        "--page",
        "3001",
        "--scopes",
        "leads_retrieval,pages_show_list,pages_read_engagement",
        "--long-lived",
        "--label",
        "from-cli",
      )
    ).trim();
    expect(text).toMatch(/^EAAB[A-Za-z0-9]+$/);
    const lead = await fetch(`${url}/v25.0/9001?access_token=${text}`);
    expect(lead.status).toBe(200);

    const list = await run("list", "--page", "3001", "--type", "PAGE");
    const line = list.split("\n").find((l) => l.includes("from-cli"))!;
    expect(line).toBeDefined();
    expect(list.startsWith("ID\tTYPE\tAPP")).toBe(true);
    expect(list).not.toContain(text);
    const [id, type, app, user, page, expires, valid] = line.split("\t");
    expect([type, app, user, page, expires, valid]).toEqual(["PAGE", "1001", "2001", "3001", "never", "yes"]);

    const dbg = JSON.parse(await run("debug", text));
    expect(dbg).toMatchObject({ type: "PAGE", app_id: "1001", profile_id: "3001", is_valid: true, expires_at: 0 });

    expect(await run("revoke", id!)).toBe(`revoked ${id}\n`);
    const after = await fetch(`${url}/v25.0/9001?access_token=${text}`);
    expect(((await after.json()) as { error: { error_subcode: number } }).error.error_subcode).toBe(467);
    expect(JSON.parse(await run("debug", text))).toMatchObject({ is_valid: false, error: { subcode: 467 } });
  });

  it("reports server errors and a missing admin key in one readable line", async () => {
    await expect(run("create", "--type", "PAGE", "--app", "1001", "--user", "2002", "--page", "3001")).rejects.toThrow(
      "(#100) Param user_id has no role on page 3001; give them tasks first (code 100, HTTP 400)",
    );
    const cmd = tokenCommand({ out: () => undefined });
    cmd.exitOverride();
    const saved = process.env.LEADGRAPH_ADMIN_KEY;
    delete process.env.LEADGRAPH_ADMIN_KEY;
    try {
      await expect(cmd.parseAsync(["--url", url, "list"], { from: "user" })).rejects.toThrow(/admin key is required/);
    } finally {
      if (saved !== undefined) process.env.LEADGRAPH_ADMIN_KEY = saved;
    }
    const wrong = tokenCommand({ out: () => undefined });
    await expect(wrong.parseAsync(["--url", url, "--admin-key", "wrong-key-wrong-key", "list"], { from: "user" })).rejects.toThrow(
      /HTTP 401/,
    );
  });
});
