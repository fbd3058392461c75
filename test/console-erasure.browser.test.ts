import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin } from "./support/admin-client.ts";
import { chromiumPath, ensureConsoleBuilt, guardPage, launchChromium, screenshot } from "./support/browser.ts";
import { type Harness, startHarness, TEST_NOW } from "./support/harness.ts";
import { rawRows } from "./support/raw-count.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-erasure-admin-key-0123456789";
const chrome = chromiumPath();

// The erasure API itself is tested on both databases (erasure.test.ts); this is the console's part.
describe.skipIf(!chrome)("console erasure in Chromium", () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let problems: string[];
  const ids: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    const world = exampleWorld();
    world.forms!.push({
      id: "8003",
      page_id: "3001",
      name: "Call me back",
      questions: [{ type: "FULL_NAME" }, { type: "EMAIL" }, { type: "PHONE" }],
      created_time: "2026-06-01T00:00:00+0000",
    });
    h = await startHarness("sqlite", { world, config: { adminKey: ADMIN_KEY } });
    await h.listen();
    const res = await admin(h, "POST", "/forms/8003/leads", {
      leads: [
        {
          created_time: TEST_NOW - 300,
          field_data: [
            { name: "full_name", values: ["Mia Muster"] },
            { name: "email", values: ["mia@example.de"] },
            { name: "phone_number", values: ["+4915112345678"] },
          ],
        },
        {
          created_time: TEST_NOW - 200,
          field_data: [
            { name: "full_name", values: ["M. Muster"] },
            { name: "email", values: ["MIA@example.de"] },
            { name: "phone_number", values: ["+4915100000000"] },
          ],
        },
        {
          created_time: TEST_NOW - 100,
          field_data: [
            { name: "full_name", values: ["Keep Me"] },
            { name: "email", values: ["keep@example.de"] },
            { name: "phone_number", values: ["+4915199999999"] },
          ],
        },
      ],
    });
    ids.push(...(res.body.ids as string[]));
    browser = await launchChromium(chrome!);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  async function leadScreen(leadId: string): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    problems = [];
    guardPage(p, problems);
    await p.goto(`${h.url}/console/`);
    await p.getByLabel("Admin key").fill(ADMIN_KEY);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Overview" }).waitFor();
    await p.goto(`${h.url}/console/leads/${leadId}?page=3001`);
    await p.getByRole("heading", { name: `Lead ${leadId}` }).waitFor();
    return p;
  }

  it("asks before erasing: cancel keeps the lead", async () => {
    const p = await leadScreen(ids[2]!);
    await p.getByRole("button", { name: "Erase this lead…" }).click();
    const dialog = p.getByRole("dialog", { name: "Erase this lead?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("not recalled");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => p.getByRole("dialog").count()).toBe(0);
    expect(await rawRows(h.db, "select id from leads where id = ?", [ids[2]])).toHaveLength(1);
  });

  it("erases the person a lead names after a confirmation that says how many leads go", async () => {
    const p = await leadScreen(ids[0]!);
    await p.getByRole("button", { name: "Erase this person…" }).click();
    const dialog = p.getByRole("dialog", { name: "Erase this person?" });
    await expect
      .poll(
        () =>
          dialog
            .getByTestId("erasure-preview")
            .textContent()
            .catch(() => ""),
        { timeout: 15_000 },
      )
      .toContain("2 leads with the answer mia@example.de or +4915112345678, on 1 form of 1 page");
    await screenshot(p, "erase-person-confirm");
    await dialog.getByRole("button", { name: "Erase 2 leads" }).click();
    await expect
      .poll(
        () =>
          p
            .getByTestId("erasure-result")
            .textContent()
            .catch(() => ""),
        { timeout: 15_000 },
      )
      .toContain("Erased 2 leads");
    expect(await rawRows(h.db, "select id from leads where id in (?, ?)", [ids[0], ids[1]])).toEqual([]);
    expect(await rawRows(h.db, "select id from leads where id = ?", [ids[2]])).toHaveLength(1);
    const log = (await admin(h, "GET", "/erasures")).body.data;
    expect(log[0]).toMatchObject({ kind: "person", via: "console", leads_erased: 2 });
  });

  it("erases a single lead", async () => {
    const p = await leadScreen(ids[2]!);
    await p.getByRole("button", { name: "Erase this lead…" }).click();
    await p.getByRole("dialog", { name: "Erase this lead?" }).getByRole("button", { name: "Erase lead" }).click();
    await expect
      .poll(
        () =>
          p
            .getByTestId("erasure-result")
            .textContent()
            .catch(() => ""),
        { timeout: 15_000 },
      )
      .toContain("Erased 1 lead");
    expect(await rawRows(h.db, "select id from leads where id = ?", [ids[2]])).toEqual([]);
  });
});
