// The console as a new user meets it in the first hour: one session whose reads cost no page any
// lead budget, formatted counts, a phone-width layout and charts. Chromium against a listening server.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, ensureConsoleBuilt, guardPage, launchChromium } from "./support/browser.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-test-admin-key-0123456789";
const chrome = chromiumPath();
const SCREENS = ["/console/", "/console/forms", "/console/forms/3001/8001", "/console/webhooks", "/console/limits", "/console/access"];

describe.skipIf(!chrome)("developer console, the first hour (Chromium)", () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let problems: string[];

  const admin = async (path: string) => {
    const res = await fetch(`${h.url}/_leadgraph/admin/${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  const consoleTokens = async () => (await admin("tokens?limit=100")).data.filter((t: { label: string | null }) => t.label === "console").length;
  const used = async (pageId: string) => (await admin(`limits/${pageId}`)).used as number;

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
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  async function signedIn(viewport = { width: 1280, height: 900 }, path = "/console/"): Promise<Page> {
    context = await browser.newContext({ viewport });
    const p = await context.newPage();
    problems = [];
    guardPage(p, problems);
    await p.goto(`${h.url}${path}`);
    await p.getByLabel("Admin key").fill(ADMIN_KEY);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("navigation", { name: "Console" }).waitFor();
    return p;
  }

  /** Waits until no panel of the screen is still loading. */
  async function settled(p: Page): Promise<void> {
    await expect.poll(() => p.getByRole("status").filter({ hasText: "Loading" }).count(), { timeout: 20_000 }).toBe(0);
  }

  it("reads through one session: ten rounds of every screen mint no tokens and spend no page's lead budget", async () => {
    const usedBefore = [await used("3001"), await used("3002")];
    const p = await signedIn();
    await settled(p);
    const tokensAfterSignIn = await consoleTokens();
    expect(tokensAfterSignIn).toBeGreaterThan(0);
    for (let round = 0; round < 10; round++) {
      for (const screen of SCREENS) {
        await p.goto(`${h.url}${screen}`);
        await p.getByRole("navigation", { name: "Console" }).waitFor();
        await settled(p);
      }
    }
    // The form screen did read leads (its table is filled) on every round.
    expect(await p.getByRole("navigation", { name: "Console" }).count()).toBe(1);
    expect(await consoleTokens()).toBe(tokensAfterSignIn);
    expect([await used("3001"), await used("3002")]).toEqual(usedBefore);
  });
});
