import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { CONSOLE_DIST } from "../../src/console/serve-console.ts";

const CANDIDATES = [process.env.LEADGRAPH_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The Chromium to drive, or undefined; in CI a missing browser fails instead of skipping. */
export function chromiumPath(): string | undefined {
  const found = CANDIDATES.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
  if (!found && process.env.CI)
    throw new Error(`Browser tests need Chromium in CI; none of ${CANDIDATES.filter(Boolean).join(", ")} exists (set LEADGRAPH_CHROMIUM).`);
  if (!found)
    process.stdout.write(
      `\nConsole browser tests SKIPPED: no Chromium at ${CANDIDATES.filter(Boolean).join(", ")} (set LEADGRAPH_CHROMIUM).\n\n`,
    );
  return found;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** `npm test` builds the console first (pretest); a direct vitest run builds it here when missing. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(join(CONSOLE_DIST, "index.html"))) return;
  const { build } = await import("vite");
  await build({ configFile: new URL("../../src/console/web/vite.config.ts", import.meta.url).pathname, logLevel: "warn" });
}

export const ARTIFACTS = new URL("../../test-artifacts/console/", import.meta.url).pathname;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Fails the test on any request that leaves loopback (no CDN fonts or scripts) and on page errors. */
export function guardPage(page: Page, problems: string[]): void {
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith("http") && u.hostname !== "127.0.0.1" && u.hostname !== "localhost")
      problems.push(`external request: ${r.url()}`);
  });
}

/** Goes to `url` in a fresh page of `context`, signs in with the admin key and waits for the console's navigation. */
export async function signInConsole(context: BrowserContext, url: string, adminKey: string, problems: string[]): Promise<Page> {
  const p = await context.newPage();
  guardPage(p, problems);
  await p.goto(url);
  await p.getByLabel("Admin key").fill(adminKey);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByRole("navigation", { name: "Console" }).waitFor();
  return p;
}
