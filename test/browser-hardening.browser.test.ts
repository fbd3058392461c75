import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, ensureConsoleBuilt, launchChromium } from "./support/browser.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

// Headers and CSP are the HTTP layer's, the same on either database: SQLite only.
const CHROMIUM = chromiumPath();

/** A page on another origin that frames the hosted form. */
function embedder(): Promise<{ server: Server; origin: string; target: { url: string } }> {
  const target = { url: "" };
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(`<!doctype html><title>embedder</title><iframe id="f" src="${target.url}" width="400" height="600"></iframe>`);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target })),
  );
}

const cspViolations = (messages: ConsoleMessage[]) =>
  messages.filter((m) => /Content Security Policy|Refused to (execute|apply|load|frame)/i.test(m.text())).map((m) => m.text());

describe.skipIf(!CHROMIUM)("browser hardening read in Chromium", () => {
  let h: Harness;
  let framed: Harness;
  let browser: Browser;
  let embed: Awaited<ReturnType<typeof embedder>>;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    embed = await embedder();
    h = await startHarness("sqlite", { world: exampleWorld() });
    await h.listen();
    framed = await startHarness("sqlite", { world: exampleWorld(), config: { hostedFormFrameAncestors: `'self' ${embed.origin}` } });
    await framed.listen();
    browser = await launchChromium(CHROMIUM!);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await framed?.close();
    await new Promise((r) => embed?.server.close(r));
  });

  const open = async (url: string) => {
    const page = await browser.newPage();
    const messages: ConsoleMessage[] = [];
    page.on("console", (m) => messages.push(m));
    const res = await page.goto(url);
    return { page, messages, headers: res!.headers() };
  };

  it("serves the console with a strict CSP, never framed, and it renders with no violation", async () => {
    const { page, messages, headers } = await open(`${h.url}/console`);
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    await expect
      .poll(() => page.evaluate(() => document.querySelector("#app")?.childElementCount ?? 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => document.querySelectorAll("script:not([src])").length)).toBe(0);
    expect(cspViolations(messages)).toEqual([]);
    await page.close();
  });

  it("serves the hosted form with a fresh nonce per response instead of 'unsafe-inline'; it styles, scripts and submits", async () => {
    const first = await open(`${h.url}/forms/8001`);
    const csp = first.headers["content-security-policy"]!;
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first.headers["x-frame-options"]).toBe("DENY");
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    const again = await fetch(`${h.url}/forms/8001`);
    expect(again.headers.get("content-security-policy")).not.toContain(nonce);
    const page: Page = first.page;
    // The inline style applied (the page background) and the inline script ran (it hides the store search button).
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(240, 242, 245)");
    await expect.poll(() => page.evaluate(() => document.querySelector<HTMLButtonElement>('button[value="search"]')?.hidden)).toBe(true);
    await page.locator('[name="answer:full_name"]').fill("Csp Person");
    await page.locator('[name="answer:email"]').fill("csp@example.com");
    await page.locator('[name="answer:car_make"]').selectOption("kia");
    await page.locator('[name="answer:selected_dealer"]').selectOption("99213450");
    await Promise.all([page.waitForURL(/forms\/8001/), page.locator('button[value="submit"]').click()]);
    await expect.poll(() => page.locator("[data-lead-id]").count()).toBe(1);
    expect(cspViolations(first.messages)).toEqual([]);
    await page.close();
  });

  it("refuses to be framed by default, and is framed by an origin on the allowlist", async () => {
    embed.target.url = `${h.url}/forms/8001`;
    const refused = await open(embed.origin);
    await expect.poll(() => refused.messages.some((m) => /frame-ancestors 'none'/.test(m.text())), { timeout: 20_000 }).toBe(true);
    const inner = refused.page.frames().find((f) => f !== refused.page.mainFrame());
    expect(await inner?.evaluate(() => document.title).catch(() => "blocked")).not.toBe("Test drive");
    await refused.page.close();

    embed.target.url = `${framed.url}/forms/8001`;
    const allowed = await open(embed.origin);
    const frame = () => allowed.page.frames().find((f) => f !== allowed.page.mainFrame());
    await expect
      .poll(
        async () =>
          (await frame()
            ?.evaluate(() => document.title)
            .catch(() => "")) ?? "",
        { timeout: 20_000 },
      )
      .toBe("Test drive");
    const direct = await fetch(`${framed.url}/forms/8001`);
    expect(direct.headers.get("content-security-policy")).toContain(`frame-ancestors 'self' ${embed.origin}`);
    expect(direct.headers.get("x-frame-options")).toBeNull();
    expect(cspViolations(allowed.messages)).toEqual([]);
    await allowed.page.close();
  });
});
