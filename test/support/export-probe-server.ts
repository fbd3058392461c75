/**
 * A server process for the export memory test: builds a database with N leads, then listens and
 * prints `READY <url> <rss bytes>` so the parent can stream an export and watch this process's RSS.
 * Run with `node --import tsx test/support/export-probe-server.ts <sqlite file | postgres url> <N>`.
 */
import { buildApp } from "../../src/http/app.ts";
import { loadConfig } from "../../src/runtime/config.ts";
import { createRuntime } from "../../src/runtime/runtime.ts";
import { loadWorld } from "../../src/world/load-world.ts";
import { FORM_8001_WITH_AD, insertManyLeads } from "./many-leads.ts";

const [target, countText] = process.argv.slice(2);
const NOW = 1_795_867_200;
const count = Number(countText);
const config = loadConfig({
  ...(target!.startsWith("postgres") ? { databaseUrl: target } : { db: target }),
  secretKey: "probe-secret-key-0123456789",
  adminKey: "probe-admin-key-0123456789",
  logLevel: "silent",
  clock: `manual:${NOW}`,
});
const runtime = await createRuntime(config);
await loadWorld(runtime.services, {
  apps: [{ id: "1001", name: "Probe", secret: "probe-secret", mode: "live" }],
  users: [{ id: "2001", name: "Ann" }],
  pages: [{ id: "3001", name: "Probe Page", category: "Business", roles: [{ user_id: "2001", tasks: ["MANAGE", "ADVERTISE"] }] }],
  ad_accounts: [{ id: "act_4001", name: "Ads", users: [{ user_id: "2001", role: "ADVERTISER" }] }],
  campaigns: [{ id: "5001", account_id: "act_4001", name: "Campaign" }],
  adsets: [{ id: "6001", campaign_id: "5001", name: "Ad set" }],
  ads: [{ id: "7001", adset_id: "6001", name: "Ad", form_id: "8001", status: "ACTIVE" }],
  forms: [
    {
      id: "8001",
      page_id: "3001",
      name: "Probe form",
      created_time: NOW - 200 * 86_400,
      questions: [
        { type: "FULL_NAME" },
        { type: "EMAIL" },
        {
          type: "CUSTOM",
          key: "car_make",
          label: "Car?",
          options: [
            { key: "honda", value: "Honda" },
            { key: "kia", value: "Kia" },
          ],
        },
      ],
      custom_disclaimer: {
        title: "Offers",
        body: { text: "Offers" },
        checkboxes: [{ key: "optional_1", text: "Email me", is_required: false }],
      },
    },
  ],
  tokens: [
    {
      token: "EAAB-probe",
      type: "PAGE",
      app_id: "1001",
      user_id: "2001",
      page_id: "3001",
      scopes: ["leads_retrieval", "pages_show_list", "pages_read_engagement", "ads_management"],
      expires_at: null,
    },
  ],
});
// Spread over 80 days so every lead is inside retention.
const spacing = (80 * 86_400) / Math.max(count, 1);
await insertManyLeads(runtime.services.store, {
  ...FORM_8001_WITH_AD,
  count,
  newest: NOW - 60,
  spacingSeconds: spacing,
});
const app = await buildApp(runtime);
const url = await app.listen({ port: 0, host: "127.0.0.1" });
global.gc?.();
process.stdout.write(`READY ${url} ${process.memoryUsage().rss}\n`);
process.on(
  "SIGTERM",
  () =>
    void app
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0)),
);
