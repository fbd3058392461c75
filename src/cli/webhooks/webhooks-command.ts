import { Command, Option } from "commander";
import { adminCall, adminTarget, parseTime, withAdminOptions } from "./admin-client.ts";

const iso = (s: number | null) => (s === null ? "-" : new Date(s * 1000).toISOString().replace(".000Z", "Z"));

/** `leadgraph webhooks list|show|redeliver|faults|policy|subscriptions` over the admin API. */
export function webhooksCommand(): Command {
  const cmd = new Command("webhooks").description("inspect and replay webhook deliveries, inject faults (talks to a running server)");

  cmd.addCommand(withAdminOptions(new Command("list")
    .description("list deliveries, newest first")
    .option("--app <id>").option("--page <id>").option("--form <id>").option("--lead <id>")
    .addOption(new Option("--status <status>").choices(["pending", "delivered", "expired", "dropped", "cancelled"]))
    .option("--since <time>", "unix seconds, ISO 8601 or -2h").option("--until <time>")
    .option("--limit <n>", "rows", "50").option("--json", "print the raw JSON"))
    .action(async (f: Record<string, string | boolean | undefined>) => {
      const t = adminTarget(f);
      const q = new URLSearchParams();
      const map: Record<string, string> = { app: "app_id", page: "page_id", form: "form_id", lead: "lead_id", status: "status", limit: "limit" };
      for (const [flag, param] of Object.entries(map)) if (typeof f[flag] === "string") q.set(param, f[flag]);
      if (typeof f.since === "string") q.set("since", String(parseTime(f.since)));
      if (typeof f.until === "string") q.set("until", String(parseTime(f.until)));
      const res = await adminCall(t, "GET", `/deliveries?${q}`);
      if (f.json) return void process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      for (const d of res.data) {
        process.stdout.write(`${d.id}  ${iso(d.created_time)}  app ${d.app_id}  page ${d.page_id}  form ${d.form_id}  lead ${d.lead_id}  ${d.status}` +
          `  attempts ${d.attempts}${d.last_http_status ? `  last HTTP ${d.last_http_status}` : ""}${d.last_error && d.status !== "delivered" ? `  (${d.last_error})` : ""}${d.kind === "redelivery" ? `  redelivery of ${d.redelivery_of}` : ""}\n`);
      }
      if (res.data.length === 0) process.stdout.write("no deliveries\n");
    }));

  cmd.addCommand(withAdminOptions(new Command("show").description("one delivery with its attempts, exact bodies and signatures").argument("<delivery-id>"))
    .action(async (id: string, f: Record<string, unknown>) => {
      process.stdout.write(`${JSON.stringify(await adminCall(adminTarget(f), "GET", `/deliveries/${encodeURIComponent(id)}`), null, 2)}\n`);
    }));

  cmd.addCommand(withAdminOptions(new Command("redeliver")
    .description("send one delivery again, or every delivery of an app in a time range (re-signed, with a new `time`)")
    .argument("[delivery-id]").option("--app <id>").option("--since <time>").option("--until <time>")
    .addOption(new Option("--status <status>").choices(["pending", "delivered", "expired", "dropped", "cancelled"])))
    .action(async (id: string | undefined, f: Record<string, string | undefined>) => {
      const t = adminTarget(f);
      if (id) {
        const res = await adminCall(t, "POST", `/deliveries/${encodeURIComponent(id)}/redeliver`);
        return void process.stdout.write(`queued redelivery ${res.id}\n`);
      }
      if (!f.app || !f.since) throw new Error("give a delivery id, or --app and --since (and optionally --until, --status)");
      const body: Record<string, unknown> = { app_id: f.app, since: parseTime(f.since) };
      if (f.until) body.until = parseTime(f.until);
      if (f.status) body.status = f.status;
      const res = await adminCall(t, "POST", "/redeliver", body);
      process.stdout.write(`queued ${res.count} redeliveries\n`);
      for (const k of res.skipped ?? []) process.stdout.write(`skipped ${k.count} of page ${k.page_id}: ${k.reason}\n`);
    }));

  cmd.addCommand(withAdminOptions(new Command("faults")
    .description("show or set fault injection for an app's subscription (off by default)")
    .requiredOption("--app <id>")
    .option("--drop <percent>", "drop this percentage of deliveries as if never sent")
    .option("--duplicate <percent>", "send this percentage of POSTs twice")
    .option("--delay <ms>", "delay first attempts by this long").option("--delay-jitter <ms>", "plus a random delay up to this long")
    .option("--split", "one POST per change").option("--no-split")
    .option("--reorder", "shuffle changes and POSTs").option("--no-reorder")
    .option("--pack-entries", "several changes in one entry (Meta sends one per entry)").option("--no-pack-entries")
    .option("--reset", "turn every fault off first"))
    .action(async (f: Record<string, string | boolean | undefined>) => {
      const t = adminTarget(f);
      const body: Record<string, unknown> = {};
      if (f.drop !== undefined) body.drop_percent = f.drop;
      if (f.duplicate !== undefined) body.duplicate_percent = f.duplicate;
      if (f.delay !== undefined) body.delay_ms = f.delay;
      if (f.delayJitter !== undefined) body.delay_jitter_ms = f.delayJitter;
      if (f.split !== undefined) body.split = f.split;
      if (f.reorder !== undefined) body.reorder = f.reorder;
      if (f.packEntries !== undefined) body.pack_entries = f.packEntries;
      if (f.reset) body.reset = true;
      const path = `/subscriptions/${encodeURIComponent(String(f.app))}/faults`;
      const res = Object.keys(body).length === 0 ? await adminCall(t, "GET", path) : await adminCall(t, "POST", path, body);
      process.stdout.write(`${JSON.stringify(res)}\n`);
    }));

  cmd.addCommand(withAdminOptions(new Command("policy")
    .description("auto-disable an app's subscription after N hours of continuous failure (0 = never, default = server setting)")
    .requiredOption("--app <id>").requiredOption("--auto-disable-hours <hours>"))
    .action(async (f: Record<string, string>) => {
      const res = await adminCall(adminTarget(f), "POST", `/subscriptions/${encodeURIComponent(f.app!)}/policy`, { auto_disable_hours: f.autoDisableHours });
      process.stdout.write(`${JSON.stringify(res)}\n`);
    }));

  cmd.addCommand(withAdminOptions(new Command("subscriptions").description("app subscriptions with health, faults and policy; page installs"))
    .action(async (f: Record<string, unknown>) => {
      const t = adminTarget(f);
      const subs = await adminCall(t, "GET", "/subscriptions");
      const installs = await adminCall(t, "GET", "/installs");
      process.stdout.write(`${JSON.stringify({ subscriptions: subs.data, installs: installs.data }, null, 2)}\n`);
    }));
  return cmd;
}
