import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, ensureConsoleBuilt, guardPage, launchChromium, screenshot } from "./support/browser.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-test-admin-key-0123456789";
const chrome = chromiumPath();

// The console reads only through HTTP, so one database kind is enough here; the APIs it calls are
// tested on SQLite and PostgreSQL by their own suites.
describe.skipIf(!chrome)("developer console in Chromium", () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    h = await startHarness("sqlite", { world: exampleWorld(120), config: { adminKey: ADMIN_KEY } });
    await h.listen();
    browser = await launchChromium(chrome!);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function freshPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = [];
    guardPage(page, problems);
    return page;
  }
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  /** Waits until no panel of the screen is still loading. */
  async function settled(p: Page): Promise<void> {
    await expect.poll(() => p.getByRole("status").filter({ hasText: "Loading" }).count(), { timeout: 15_000 }).toBe(0);
  }

  async function signIn(p: Page, key = ADMIN_KEY, path = "/console/"): Promise<void> {
    await p.goto(`${h.url}${path}`);
    await p.getByLabel("Admin key").fill(key);
    await p.getByRole("button", { name: "Sign in" }).click();
  }

  it("refuses a wrong admin key with a visible message and keeps nothing", async () => {
    const p = await freshPage();
    await signIn(p, "not-the-admin-key");
    await expect.poll(() => p.getByRole("alert").textContent()).toContain("admin key was refused");
    expect(await p.evaluate(() => sessionStorage.getItem("leadgraph.adminKey"))).toBeNull();
    await expect.poll(() => p.getByRole("navigation", { name: "Console" }).count()).toBe(0);
    await screenshot(p, "sign-in-refused");
  });

  it("asks for the key again, saying why, when the server stops accepting the one the tab kept", async () => {
    const p = await freshPage();
    await signIn(p);
    await p.getByRole("heading", { name: "Overview" }).waitFor();
    // What a restart with a changed LEADGRAPH_ADMIN_KEY looks like from the tab: its key is refused,
    // while the console session it keeps (page tokens) would still serve the Graph reads.
    await p.evaluate(() => sessionStorage.setItem("leadgraph.adminKey", "the-key-before-it-was-changed"));
    await p.getByRole("link", { name: "Webhooks" }).click();
    await p.getByLabel("Admin key").waitFor();
    expect(await p.getByRole("status").filter({ hasText: "no longer accepts" }).textContent()).toContain("Sign in with the new key");
    expect(
      await p.evaluate(() => [sessionStorage.getItem("leadgraph.adminKey"), sessionStorage.getItem("leadgraph.consoleSession")]),
    ).toEqual([null, null]);
    await p.getByLabel("Admin key").fill(ADMIN_KEY);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Webhooks" }).waitFor();
    expect(await p.getByRole("status").filter({ hasText: "no longer accepts" }).count()).toBe(0);
  });

  it("signs in and shows pages, forms and lead counts on the overview", async () => {
    const p = await freshPage();
    await signIn(p);
    await p.getByRole("heading", { name: "Overview" }).waitFor();
    // exampleWorld(120) has one lead per hour before TEST_NOW (12:00 UTC): 12 since midnight.
    await expect.poll(() => p.getByTestId("leads-today-3001").textContent()).toBe("12");
    const row = p.getByRole("row", { name: /Acme Cars/ });
    expect(await row.textContent()).toContain("120");
    expect(await row.textContent()).toContain("122");
    expect(await p.getByTestId("server-now").textContent()).toBe("2026-11-28 12:00:00 UTC");
    // The key survives a reload of the tab (session storage) and goes with it.
    await p.reload();
    await expect.poll(() => p.getByTestId("leads-today-3001").textContent()).toBe("12");
    await settled(p);
    await screenshot(p, "overview");
  });

  it("lists forms and shows a form's questions as the person sees them", async () => {
    const p = await freshPage();
    await signIn(p);
    await p.getByRole("link", { name: "Forms", exact: true }).click();
    await p.getByRole("heading", { name: "Forms", level: 1 }).waitFor();
    // The heading renders before the list arrives: wait for the rows, then count them.
    await expect.poll(() => p.getByRole("link", { name: "Test drive" }).count()).toBe(1);
    expect(await p.getByRole("link", { name: "Other form" }).count()).toBe(1);
    await screenshot(p, "forms");
    await p.getByRole("link", { name: "Test drive" }).click();
    await p.getByRole("heading", { name: /Test drive/, level: 1 }).waitFor();
    const preview = p.getByLabel("Form preview");
    await preview.getByText("Which car?").waitFor();
    expect(await preview.getByRole("radio").count()).toBe(2);
    expect(await preview.getByText("Honda").count()).toBe(1);
    expect(await preview.getByText("Email me offers").count()).toBe(1);
    expect(await p.getByRole("link", { name: "Open the hosted form" }).getAttribute("href")).toBe("/forms/8001");
    await expect.poll(() => p.getByTestId("lead-count").textContent()).toBe("122 leads match");
    await screenshot(p, "form-detail");
  });

  it("finds a lead by time range and opens it", async () => {
    const p = await freshPage();
    await signIn(p, ADMIN_KEY, "/console/forms/3001/8001");
    await p.getByLabel("From (UTC)").fill("2026-11-20T09:00");
    await p.getByLabel("Until (UTC)").fill("2026-11-20T11:00");
    await p.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => p.getByTestId("lead-count").textContent()).toBe("1 leads match");
    const rows = p.locator("table[aria-describedby=leads-h] tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("Joe Example");
    await p.getByRole("link", { name: "9001" }).click();
    await p.getByRole("heading", { name: "Lead 9001" }).waitFor();
    const fields = p.getByTestId("field-data");
    expect(await fields.textContent()).toContain("Joe Example");
    expect(await fields.textContent()).toContain("honda");
    expect(await p.getByText("optional_1").count()).toBe(1);
    expect(await p.getByText("Test drive ad (7001)").count()).toBe(1);
    expect(await p.getByText("Spring Sale (5001)").count()).toBe(1);
    expect(await p.getByTestId("organic").textContent()).toBe("no");
    await screenshot(p, "lead-detail");
    // Back returns to the filtered table, the filter kept in the URL.
    await p.goBack();
    await expect.poll(() => p.getByTestId("lead-count").textContent()).toBe("1 leads match");
  });

  it("pages through leads with cursors, older and back to newer", async () => {
    const p = await freshPage();
    await signIn(p, ADMIN_KEY, "/console/forms/3001/8001");
    const firstCell = () => p.locator("table[aria-describedby=leads-h] tbody tr").first().locator("td").nth(1).textContent();
    await expect.poll(firstCell).toBe("9100");
    await p.getByRole("button", { name: "Older →" }).click();
    await p.getByText("Page 2").waitFor();
    await expect.poll(firstCell).toBe("9150");
    await p.getByRole("button", { name: "Older →" }).click();
    await p.getByText("Page 3").waitFor();
    // 122 leads: the third page has the last 22 and no older page.
    await expect.poll(() => p.locator("table[aria-describedby=leads-h] tbody tr").count()).toBe(22);
    expect(await p.getByRole("button", { name: "Older →" }).isDisabled()).toBe(true);
    await p.getByRole("button", { name: "← Newer" }).click();
    await p.getByText("Page 2").waitFor();
    await expect.poll(firstCell).toBe("9150");
  });

  it("follows keyboard navigation with visible focus and a skip link", async () => {
    const p = await freshPage();
    await signIn(p);
    await p.getByRole("heading", { name: "Overview" }).waitFor();
    await p.keyboard.press("Tab");
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await p.keyboard.press("Tab");
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe("Overview");
    const outline = await p.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
  });

  it("renders every screen without errors (a plain note where this server lacks the endpoint), and shoots each", async () => {
    const p = await freshPage();
    await signIn(p);
    for (const [name, path, heading] of [
      ["webhooks", "/webhooks", "Webhooks"],
      ["access", "/access", "Access"],
      ["limits", "/limits", "Limits"],
    ] as const) {
      await p.getByRole("link", { name: heading, exact: true }).click();
      await p.getByRole("heading", { name: heading, level: 1 }).waitFor();
      expect(new URL(p.url()).pathname).toBe(`/console${path}`);
      await settled(p);
      expect(await p.locator(".alert.error").allTextContents()).toEqual([]);
      await screenshot(p, name);
    }
    await p.setViewportSize({ width: 390, height: 844 });
    await p.getByRole("link", { name: "Overview", exact: true }).click();
    await p.getByRole("heading", { name: "Overview" }).waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(p, "overview-phone");
  });
});
