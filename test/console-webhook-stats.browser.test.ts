// The webhooks screen's per-minute chart, drawn from the server's aggregate of delivery attempts:
// a real receiver answers some POSTs 200 and some 500, each after a delay, and the console must
// show those outcomes and the latency percentiles the server computed. Chromium against a listening server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookDispatcher } from "../src/dispatcher/dispatcher.ts";
import { startDispatcher } from "../src/dispatcher/start-dispatcher.ts";
import { chromiumPath, ensureConsoleBuilt, launchChromium, signInConsole } from "./support/browser.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

const ADMIN_KEY = "console-stats-admin-key-0123456789";
const chrome = chromiumPath();
const DOCS =
  process.env.LEADGRAPH_UPDATE_SCREENSHOTS === "1"
    ? fileURLToPath(new URL("../docs/", import.meta.url))
    : fileURLToPath(new URL("../test-artifacts/console/", import.meta.url));
const LEADS = 9;

describe.skipIf(!chrome)("console webhooks chart: attempts per minute by outcome with latency percentiles (Chromium)", () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let receiver: Server;
  const answered: number[] = [];

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.url}/_leadgraph/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    h = await startHarness("sqlite", { world: exampleWorld(), config: { adminKey: ADMIN_KEY } });
    await h.listen();
    // Every third POST fails with 500; each is answered after 20 to 100 ms.
    let posts = 0;
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.method === "GET") return void res.end(new URL(req.url ?? "/", "http://x").searchParams.get("hub.challenge") ?? "");
        const k = posts++;
        const status = k % 3 === 2 ? 500 : 200;
        setTimeout(
          () => {
            res.statusCode = status;
            res.end(status === 200 ? "EVENT_RECEIVED" : "boom");
            answered.push(status);
          },
          20 + (k % 5) * 20,
        );
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", ok));
    await admin("POST", "webhooks/subscriptions/1001", {
      callback_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      verify_token: "vt",
    });
    dispatcher = startDispatcher(h.runtime);
    browser = await launchChromium(chrome!);
  }, 240_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await dispatcher?.stop();
    await new Promise<void>((ok) => (receiver ? (receiver.closeAllConnections(), receiver.close(() => ok())) : ok()));
    await h?.close();
  });

  it("shows the receiver's outcomes and the server's p50/p95/p99", async () => {
    // One lead at a time, so each is one POST (the dispatcher would batch leads created together).
    for (let i = 0; i < LEADS; i++) {
      await admin("POST", "forms/8001/leads", { leads: [{ field_data: [{ name: "full_name", values: [`Stats Lead ${i}`] }] }] });
      await expect.poll(() => answered.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(i + 1);
    }
    // Stopped, so retries of the failed ones cannot add attempts between the checks below.
    await dispatcher!.stop();
    dispatcher = undefined;
    const ok = answered.filter((s) => s === 200).length;
    const failed = answered.filter((s) => s === 500).length;
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(failed).toBeGreaterThanOrEqual(3);
    const stats = await admin("GET", "webhooks/stats?minutes=60");
    expect(stats.totals).toMatchObject({ delivered: ok, failed, dropped: 0 });
    for (const p of ["p50_ms", "p95_ms", "p99_ms"] as const) expect(stats.totals[p]).toBeGreaterThanOrEqual(20);
    expect(stats.totals.p50_ms).toBeLessThanOrEqual(stats.totals.p95_ms);
    expect(stats.totals.p95_ms).toBeLessThanOrEqual(stats.totals.p99_ms);

    const problems: string[] = [];
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await signInConsole(context, `${h.url}/console/webhooks`, ADMIN_KEY, problems);
    const chart = (id: string) => p.getByTestId(id);
    await chart("deliveries-per-minute").locator("canvas").waitFor();
    await chart("delivery-latency").locator("canvas").waitFor();
    expect(await chart("deliveries-per-minute").locator("figcaption").textContent()).toBe(
      `${ok + failed} delivery attempts in the last 60 minutes, per minute by outcome: delivered (2xx) ${ok}, failed (non-2xx, timeout, refused) ${failed}, dropped (fault injection) 0.`,
    );
    const ms = (v: number) => `${new Intl.NumberFormat("en-US").format(v)} ms`;
    expect(await chart("delivery-latency").locator("figcaption").textContent()).toBe(
      `Latency of the attempts that reached the receiver, per minute (ms); over the hour: p50 ${ms(stats.totals.p50_ms)}, p95 ${ms(stats.totals.p95_ms)}, p99 ${ms(stats.totals.p99_ms)}.`,
    );
    expect(await p.getByTestId("delivery-latency-totals").locator("dd").allTextContents()).toEqual([
      ms(stats.totals.p50_ms),
      ms(stats.totals.p95_ms),
      ms(stats.totals.p99_ms),
    ]);
    // The legend names every series of both charts.
    for (const label of [
      "Delivered (2xx)",
      "Failed (non-2xx, timeout, refused)",
      "Dropped (fault injection)",
      "p50 latency (ms)",
      "p95 latency (ms)",
      "p99 latency (ms)",
    ]) {
      await expect.poll(() => p.locator(".u-legend").getByText(label, { exact: true }).count()).toBe(1);
    }
    await p.getByTestId("deliveries-per-minute").scrollIntoViewIfNeeded();
    await p.screenshot({ path: `${DOCS}console-webhook-stats-desktop.png` });
    expect(problems).toEqual([]);
  }, 240_000);
});
