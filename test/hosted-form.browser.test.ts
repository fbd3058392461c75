import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { EVERY_TYPE_ANSWERS, EVERY_TYPE_FORM, SECOND_STORE } from "./support/form-fixtures.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const CHROMIUM = process.env.LEADGRAPH_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const ARTIFACTS = "test-artifacts";
const PAGE = "EAAB-page-acme";

if (!available && process.env.CI) {
  describe("hosted form in a browser", () => {
    it("needs Chromium in CI", () => {
      throw new Error(`Chromium not found at ${CHROMIUM}; CI must install it (set LEADGRAPH_CHROMIUM to its path)`);
    });
  });
} else if (!available) {
  process.stdout.write(`hosted-form.browser.test.ts skipped: Chromium not found at ${CHROMIUM} (set LEADGRAPH_CHROMIUM)\n`);
}

const SELECTS = new Set(["dealer", "budget", "make", "model"]);

async function fillEverything(page: Page, answers: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(answers)) {
    const field = page.locator(`[name="answer:${key}"]`);
    if (key === "dealer") {
      await page.getByRole("searchbox").fill("downtown");
      await field.selectOption(value);
    } else if (SELECTS.has(key)) {
      await field.selectOption(value);
    } else {
      await field.fill(value);
    }
  }
}

describe.skipIf(!available).each(databaseKinds())("hosted form in headless Chromium (%s)", (kind) => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let formId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/hosted-form-${kind}-${name}.png`, fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const world = exampleWorld();
    world.pages![0]!.locations!.push(SECOND_STORE);
    h = await startHarness(kind, { world });
    await h.listen();
    formId = (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: EVERY_TYPE_FORM })).body.id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    // A phone-sized viewport: the form is meant for phones first.
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await h?.close();
  });

  const leadsOf = async (id: string) =>
    (
      await h.graph("GET", `/${id}/leads`, {
        token: PAGE,
        query: { fields: "id,platform,is_organic,field_data,custom_disclaimer_responses", limit: "100" },
      })
    ).body.data;

  it("fills every question type, sees the thank-you page and reads the same lead through Graph", async () => {
    const page = await context.newPage();
    await page.goto(`${h.url}/forms/${formId}?platform=ig`);
    await expect(page.getByRole("heading", { name: "Book a test drive" }).isVisible()).resolves.toBe(true);
    await shot(page, "form");
    await page.getByRole("link", { name: "Start" }).click();
    await fillEverything(page, EVERY_TYPE_ANSWERS);
    await page.getByLabel("I agree to be contacted").check();
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("heading", { name: "See you soon" }).waitFor();
    await expect(page.getByRole("link", { name: "Visit Acme" }).getAttribute("href")).resolves.toBe("https://acme.example/");
    await shot(page, "thank-you");
    const leadId = await page.locator("[data-lead-id]").getAttribute("data-lead-id");
    const lead = (
      await h.graph("GET", `/${leadId}`, {
        token: PAGE,
        query: { fields: "id,form_id,platform,is_organic,field_data,custom_disclaimer_responses" },
      })
    ).body;
    expect(lead).toMatchObject({ id: leadId, form_id: formId, platform: "ig", is_organic: true });
    expect(lead.field_data).toEqual([
      { name: "utm_source", values: ["hosted"] },
      ...Object.entries(EVERY_TYPE_ANSWERS).map(([name, v]) => ({ name, values: [v] })),
    ]);
    expect(lead.custom_disclaimer_responses).toEqual([
      { checkbox_key: "contact_ok", is_checked: "1" },
      { checkbox_key: "newsletter", is_checked: "" },
    ]);
    await page.close();
  });

  it("comes back with the answers kept and errors tied to the fields", async () => {
    const before = (await leadsOf(formId)).length;
    const page = await context.newPage();
    await page.goto(`${h.url}/forms/${formId}`);
    await fillEverything(page, { ...EVERY_TYPE_ANSWERS, email: "zoe-at-example" });
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("alert").waitFor();
    const email = page.getByLabel("Email", { exact: true });
    await expect(email.inputValue()).resolves.toBe("zoe-at-example");
    await expect(email.getAttribute("aria-invalid")).resolves.toBe("true");
    const describedBy = await email.getAttribute("aria-describedby");
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toBe("Enter a valid email address, like name@example.com.");
    const box = page.getByLabel("I agree to be contacted");
    await expect(page.locator(`#${await box.getAttribute("aria-describedby")}`).textContent()).resolves.toBe(
      "You must check this box to continue.",
    );
    await expect(page.getByLabel("Full name").inputValue()).resolves.toBe(EVERY_TYPE_ANSWERS.full_name);
    await expect(page.locator('[name="answer:budget"]').inputValue()).resolves.toBe("high");
    await expect(page.locator('[name="answer:model"]').inputValue()).resolves.toBe("Niro");
    await shot(page, "errors");
    // Fixing the two answers is enough.
    await email.fill("zoe@example.com");
    await box.check();
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("heading", { name: "See you soon" }).waitFor();
    expect((await leadsOf(formId)).length).toBe(before + 1);
    await page.close();
  });

  it("makes one lead from a double submit", async () => {
    const id = (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: { name: "Double", questions: [{ type: "EMAIL" }] } }))
      .body.id;
    const page = await context.newPage();
    await page.goto(`${h.url}/forms/${id}`);
    await page.getByLabel("Email").fill("twice@example.com");
    let posted: string | null = null;
    page.on("request", (r) => {
      if (r.method() === "POST") posted = r.postData();
    });
    await page.getByRole("button", { name: "Submit" }).dblclick();
    await page.getByRole("status").waitFor();
    const first = await page.locator("[data-lead-id]").getAttribute("data-lead-id");
    // The same body sent again (a resubmitted tab, a retrying proxy) shows the same lead.
    const replay = await page.request.post(`${h.url}/forms/${id}`, {
      data: posted!,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(replay.status()).toBe(200);
    expect(/data-lead-id="(\d+)"/.exec(await replay.text())![1]).toBe(first);
    expect((await leadsOf(id)).map((l: { id: string }) => l.id)).toEqual([first]);
    await page.close();
  });

  it("searches store locations with JavaScript and without", async () => {
    const page = await context.newPage();
    await page.goto(`${h.url}/forms/${formId}`);
    await page.getByRole("searchbox").fill("shelby");
    const visible = await page
      .locator('[name="answer:dealer"] option:not([hidden])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(visible).toEqual(["", "77100001"]);
    await shot(page, "store-search");
    await page.close();

    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const p2 = await noJs.newPage();
    await p2.goto(`${h.url}/forms/${formId}`);
    await p2.getByLabel("Email", { exact: true }).fill("kept@example.com");
    await p2.getByRole("searchbox").fill("uptown");
    await p2.getByRole("button", { name: "Search" }).click();
    await p2.waitForLoadState();
    const options = await p2.locator('[name="answer:dealer"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(["", "77100001"]);
    await expect(p2.getByLabel("Email", { exact: true }).inputValue()).resolves.toBe("kept@example.com");
    await shot(p2, "store-search-no-js");
    // And a whole submission without JavaScript.
    await fillEverything(p2, { ...EVERY_TYPE_ANSWERS, dealer: "77100001" });
    await p2.getByLabel("I agree to be contacted").check();
    await p2.getByRole("button", { name: "Submit" }).click();
    await p2.getByRole("heading", { name: "See you soon" }).waitFor();
    const leadId = await p2.locator("[data-lead-id]").getAttribute("data-lead-id");
    const lead = (await h.graph("GET", `/${leadId}`, { token: PAGE, query: { fields: "field_data" } })).body;
    expect(lead.field_data.find((d: { name: string }) => d.name === "dealer").values).toEqual(["77100001"]);
    await noJs.close();
  });

  it("shows the review step and a German form", async () => {
    const id = (
      await h.graph("POST", "/3001/leadgen_forms", {
        token: PAGE,
        body: {
          name: "Probefahrt",
          locale: "DE_DE",
          is_optimized_for_quality: true,
          questions: [{ type: "FULL_NAME" }, { type: "PHONE" }],
        },
      })
    ).body.id;
    const page = await context.newPage();
    await page.goto(`${h.url}/forms/${id}`);
    await page.getByLabel("Vollständiger Name").fill("Jörg Müller");
    await page.getByLabel("Telefonnummer").fill("030 12345678");
    await page.getByRole("button", { name: "Überprüfen" }).click();
    await page.getByRole("heading", { name: "Überprüfe deine Angaben" }).waitFor();
    await shot(page, "review");
    await page.getByRole("button", { name: "Senden" }).click();
    await page.getByRole("heading", { name: "Danke, du bist fertig." }).waitFor();
    const [lead] = await leadsOf(id);
    expect(lead.field_data).toEqual([
      { name: "full_name", values: ["Jörg Müller"] },
      { name: "phone_number", values: ["+493012345678"] },
    ]);
    await page.close();
  });

  it("shows that an archived form no longer accepts answers", async () => {
    const id = (await h.graph("POST", "/3001/leadgen_forms", { token: PAGE, body: { name: "Closed", questions: [{ type: "EMAIL" }] } }))
      .body.id;
    await h.graph("POST", `/${id}`, { token: PAGE, body: { status: "ARCHIVED" } });
    const page = await context.newPage();
    const res = await page.goto(`${h.url}/forms/${id}`);
    expect(res?.status()).toBe(410);
    await expect(page.getByRole("heading", { name: "This form is no longer accepting responses" }).isVisible()).resolves.toBe(true);
    await expect(page.locator("form").count()).resolves.toBe(0);
    await shot(page, "archived");
    await page.close();
  });
});
