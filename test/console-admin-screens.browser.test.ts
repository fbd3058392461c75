// The console screens that drive the access, forms, webhooks and export endpoints, in Chromium
// against a listening server with a real webhook receiver.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { startDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { chromiumPath, ensureConsoleBuilt, launchChromium, screenshot, signInConsole } from "./support/browser.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-test-admin-key-0123456789";
const chrome = chromiumPath();

/** A webhook receiver on a loopback port that can go down and come back on the same port. */
class Receiver {
  server: Server | undefined;
  port = 0;
  bodies: string[] = [];
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "GET") {
        res.end(url.searchParams.get("hub.challenge") ?? "");
        return;
      }
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        this.bodies.push(body);
        res.end("EVENT_RECEIVED");
      });
    });
    await new Promise<void>((ok) => this.server!.listen(port, "127.0.0.1", ok));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((ok) => server.close(() => ok()));
    server.closeAllConnections();
    await closed;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/facebook`;
  }
}

describe.skipIf(!chrome)("developer console admin screens (Chromium)", () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let problems: string[];
  let dispatcher: WebhookDispatcher;
  const receiver = new Receiver();

  const admin = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) => {
    const res = await fetch(`${h.url}/_leadgraph/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    h = await startHarness("sqlite", { world: exampleWorld(40), config: { adminKey: ADMIN_KEY } });
    await h.listen();
    await receiver.start();
    const sub = await admin("POST", "webhooks/subscriptions/1001", { callback_url: receiver.url, verify_token: "vt" });
    expect(sub.status).toBe(200);
    dispatcher = startDispatcher(h.runtime);
    browser = await launchChromium(chrome!);
  });
  afterAll(async () => {
    await browser?.close();
    await dispatcher?.stop();
    await receiver.stop();
    await h?.close();
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  async function signedIn(path = "/console/"): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    problems = [];
    return signInConsole(context, `${h.url}${path}`, ADMIN_KEY, problems);
  }

  it("shows a failed delivery while the receiver is down, and a successful redelivery once it is back", async () => {
    const port = receiver.port;
    await receiver.stop();
    const created = await admin("POST", "forms/8001/leads", {
      leads: [{ ad_id: "7001", field_data: [{ name: "full_name", values: ["Down Receiver"] }] }],
    });
    expect(created.status).toBe(200);
    const leadId: string = created.body.ids[0];

    const p = await signedIn("/console/webhooks?status=pending");
    const row = p.getByRole("row", { name: new RegExp(leadId) });
    // The log polls: the failed first attempt shows up without a reload.
    await expect
      .poll(async () => ((await row.count()) > 0 ? ((await row.first().textContent()) ?? "") : ""), { timeout: 30_000 })
      .toMatch(/ECONNREFUSED|refused|connect/i);
    await screenshot(p, "webhooks-failure");

    await receiver.start(port);
    await row.first().getByRole("link").first().click();
    await p.getByRole("heading", { name: /Delivery/ }).waitFor();
    expect(await p.getByRole("table").first().textContent()).toMatch(/failure/);
    await p.getByRole("button", { name: "Redeliver" }).click();
    await p.getByText("Queued redelivery").waitFor();
    await p.getByText("Queued redelivery").getByRole("link").click();
    await expect
      .poll(
        async () => {
          await p.getByRole("button", { name: "Refresh" }).click();
          return p.getByTestId("delivery-status").textContent();
        },
        { timeout: 30_000 },
      )
      .toBe("delivered");
    expect(await p.getByTestId("delivery-body").textContent()).toContain(leadId);
    expect(await p.getByTestId("signature-256").textContent()).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(receiver.bodies.some((b) => b.includes(leadId))).toBe(true);
    await screenshot(p, "delivery-redelivered");

    // The lead's own page lists both deliveries with their attempts.
    await p.goto(`${h.url}/console/leads/${leadId}?page=3001`);
    await expect.poll(() => p.locator(".delivery").count()).toBe(2);
  });

  it("redelivers a range from the log, naming the page the app is no longer installed on", async () => {
    const graph = async (method: "POST" | "DELETE", path: string, token: string) =>
      (await fetch(`${h.url}/v25.0/${path}${path.includes("?") ? "&" : "?"}access_token=${token}`, { method })).json();
    expect(await graph("POST", "3002/subscribed_apps?subscribed_fields=leadgen", "EAAB-page-other")).toEqual({ success: true });
    // A minute on, so that the range holds only this test's deliveries; the clock goes back after.
    const was = h.clock.nowMs();
    h.clock.advance(60_000);
    onTestFinished(() => h.clock.set(was));
    const since = Math.floor(h.clock.nowMs() / 1000);
    const onAcme = (await admin("POST", "forms/8001/leads", { leads: [{ field_data: [{ name: "full_name", values: ["Range One"] }] }] }))
      .body.ids[0] as string;
    const onOther = (
      await admin("POST", "forms/8002/leads", { leads: [{ field_data: [{ name: "email", values: ["range@example.com"] }] }] })
    ).body.ids[0] as string;
    const copiesOf = (id: string) => receiver.bodies.filter((b) => b.includes(id)).length;
    await expect.poll(() => copiesOf(onAcme) + copiesOf(onOther), { timeout: 30_000 }).toBe(2);
    expect(await graph("DELETE", "3002/subscribed_apps", "EAAB-page-other")).toEqual({ success: true });

    const p = await signedIn(`/console/webhooks?app_id=1001&since=${since}`);
    await p.getByRole("button", { name: "Redeliver all matching" }).click();
    const status = p.getByRole("status").filter({ hasText: "Queued" });
    await status.waitFor();
    expect(await status.textContent()).toBe(
      "Queued 1 redeliveries. Skipped 1 of page 3002: the app is no longer installed on the page for leadgen.",
    );
    await expect.poll(() => copiesOf(onAcme), { timeout: 30_000 }).toBe(2);
    expect(copiesOf(onOther)).toBe(1);
    await screenshot(p, "webhooks-range-redelivery");
  });

  it("exports CSV from the form screen, identical to the API export", async () => {
    const p = await signedIn("/console/forms/3001/8001");
    await p.getByRole("heading", { name: /Test drive/ }).waitFor();
    const [download] = await Promise.all([p.waitForEvent("download"), p.getByRole("button", { name: "Export CSV" }).click()]);
    const fromUi = await readFile(await download.path(), "utf8");
    const api = await fetch(`${h.url}/ads/lead_gen/export_csv/?id=8001&type=form&format=csv&access_token=EAAB-page-acme`);
    expect(api.status).toBe(200);
    expect(fromUi).toBe(await api.text());
    expect(fromUi.split("\n").length).toBeGreaterThan(40);
  });

  it("creates a token with chosen scopes and explains its debug view", async () => {
    const p = await signedIn("/console/access");
    await p.getByLabel("Kind").selectOption("PAGE");
    await p.getByLabel("Page", { exact: true }).first().selectOption("3001");
    await p.getByLabel("User", { exact: true }).selectOption("2001");
    await p.getByRole("button", { name: "Create token" }).click();
    const token = await p.getByTestId("new-token").textContent();
    expect(token).toMatch(/^EAAB/);
    await p.getByRole("button", { name: "Debug" }).click();
    await p.getByTestId("debug-result").waitFor();
    expect(await p.getByTestId("debug-result").textContent()).toContain("This token can read this page's leads.");
    await screenshot(p, "access-debug");

    // Without leads_retrieval the same view says why not.
    await p.getByLabel("leads_retrieval").uncheck();
    await p.getByRole("button", { name: "Create token" }).click();
    await p.getByRole("button", { name: "Debug" }).click();
    await expect.poll(() => p.getByTestId("debug-result").textContent()).toContain("lacks the leads_retrieval permission");
    // The new tokens are listed and can be revoked.
    await p
      .getByRole("button", { name: /Revoke token/ })
      .first()
      .click();
    await expect.poll(() => p.getByText(/invalid \(467\)/).count()).toBeGreaterThan(0);
  });

  it("draws each page's leadgen calls against its budget", async () => {
    const p = await signedIn("/console/limits");
    await expect.poll(() => p.locator("figure.chart canvas").count()).toBe(2);
    expect(await p.locator("figure.chart figcaption").first().textContent()).toMatch(/budget [\d,]+ per rolling 24 h/);
    await screenshot(p, "limits");
  });

  it("moves the manual clock from the overview", async () => {
    const p = await signedIn();
    await expect.poll(() => p.getByTestId("server-now").textContent()).toBe("2026-11-28 12:00:00 UTC");
    await p.getByRole("button", { name: "+1 day" }).click();
    await expect.poll(() => p.getByTestId("server-now").textContent()).toBe("2026-11-29 12:00:00 UTC");
  });

  it("archives and re-activates a form", async () => {
    const p = await signedIn("/console/forms/3001/8001");
    await p.getByRole("button", { name: "Archive" }).click();
    await p.getByRole("heading", { name: /Test drive ARCHIVED/ }).waitFor();
    await p.getByRole("button", { name: "Activate" }).click();
    await p.getByRole("heading", { name: /Test drive ACTIVE/ }).waitFor();
  });

  it("creates a test lead and an attributed lead from the form screen", async () => {
    const p = await signedIn("/console/forms/3001/8001");
    await p
      .getByLabel(/Full name/)
      .last()
      .fill("Tess Test");
    await p.getByRole("button", { name: "Create lead" }).click();
    await p.getByText("Created lead").waitFor();
    await p.getByLabel(/Attributed lead/).check();
    await p.getByLabel("Ad id (empty: organic)").fill("7001");
    await p.getByRole("button", { name: "Create lead" }).click();
    await p.getByText("Created lead").getByRole("link").click();
    await p.getByRole("heading", { name: /^Lead / }).waitFor();
    expect(await p.getByText("Test drive ad (7001)").count()).toBe(1);
  });
});
