import { Command, Option } from "commander";
import { startProgress } from "../progress.ts";
import { type AdminTarget, adminCall, adminTarget, parseTime, withAdminOptions } from "./admin-client.ts";

const jsonOption = () => new Option("--json", "print the answer as one JSON document (the default for this command)");
const WAIT_POLL_MS = 500;

/**
 * Polls until none of the queued redeliveries is pending, moving a progress bar; settled means
 * delivered, expired, dropped or cancelled. Resolves with how many settled.
 */
async function waitForRedeliveries(
  t: AdminTarget,
  appId: string | undefined,
  ids: readonly string[],
  showProgress: boolean,
): Promise<number> {
  const wanted = new Set(ids);
  const bar = startProgress({ label: "redelivering", total: ids.length, counts: "{value}/{total} settled", enabled: showProgress });
  try {
    for (;;) {
      let pending = 0;
      if (appId === undefined) {
        for (const id of ids) if ((await adminCall(t, "GET", `/deliveries/${encodeURIComponent(id)}`)).status === "pending") pending++;
      } else {
        let path: string | undefined = `/deliveries?${new URLSearchParams({ app_id: appId, status: "pending", limit: "500" })}`;
        while (path) {
          const res: { data: { id: string }[]; paging?: { next?: string } } = await adminCall(t, "GET", path);
          pending += res.data.filter((d) => wanted.has(d.id)).length;
          path = res.paging?.next?.replace(/^.*\/_leadgraph\/admin\/webhooks/, "");
        }
      }
      bar.update(ids.length - pending);
      if (pending === 0) return ids.length;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  } finally {
    bar.stop();
  }
}

const iso = (s: number | null) => (s === null ? "-" : new Date(s * 1000).toISOString().replace(".000Z", "Z"));

/** `leadgraph webhooks list|show|redeliver|faults|policy|subscriptions` over the admin API. */
export function webhooksCommand(): Command {
  const cmd = new Command("webhooks").description("inspect and replay webhook deliveries, inject faults (talks to a running server)");

  cmd.addCommand(
    withAdminOptions(
      new Command("list")
        .description("list deliveries, newest first")
        .option("--app <id>")
        .option("--page <id>")
        .option("--form <id>")
        .option("--lead <id>")
        .addOption(new Option("--status <status>").choices(["pending", "delivered", "expired", "dropped", "cancelled"]))
        .option("--since <time>", "unix seconds, ISO 8601 or -2h")
        .option("--until <time>")
        .option("--limit <n>", "rows", "50")
        .option("--json", "print the raw JSON"),
    ).action(async (f: Record<string, string | boolean | undefined>) => {
      const t = adminTarget(f);
      const q = new URLSearchParams();
      const map: Record<string, string> = {
        app: "app_id",
        page: "page_id",
        form: "form_id",
        lead: "lead_id",
        status: "status",
        limit: "limit",
      };
      for (const [flag, param] of Object.entries(map)) if (typeof f[flag] === "string") q.set(param, f[flag]);
      if (typeof f.since === "string") q.set("since", String(parseTime(f.since)));
      if (typeof f.until === "string") q.set("until", String(parseTime(f.until)));
      const res = await adminCall(t, "GET", `/deliveries?${q}`);
      if (f.json) return void process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      for (const d of res.data) {
        process.stdout.write(
          `${d.id}  ${iso(d.created_time)}  app ${d.app_id}  page ${d.page_id}  form ${d.form_id}  lead ${d.lead_id}  ${d.status}` +
            `  attempts ${d.attempts}${d.last_http_status ? `  last HTTP ${d.last_http_status}` : ""}${d.last_error && d.status !== "delivered" ? `  (${d.last_error})` : ""}${d.kind === "redelivery" ? `  redelivery of ${d.redelivery_of}` : ""}\n`,
        );
      }
      if (res.data.length === 0) process.stdout.write("no deliveries\n");
    }),
  );

  cmd.addCommand(
    withAdminOptions(
      new Command("show")
        .description("one delivery with its attempts, exact bodies and signatures")
        .argument("<delivery-id>")
        .addOption(jsonOption()),
    ).action(async (id: string, f: Record<string, unknown>) => {
      process.stdout.write(`${JSON.stringify(await adminCall(adminTarget(f), "GET", `/deliveries/${encodeURIComponent(id)}`), null, 2)}\n`);
    }),
  );

  cmd.addCommand(
    withAdminOptions(
      new Command("redeliver")
        .description("send one delivery again, or every delivery of an app in a time range (re-signed, with a new `time`)")
        .argument("[delivery-id]")
        .option("--app <id>")
        .option("--since <time>")
        .option("--until <time>")
        .addOption(new Option("--status <status>").choices(["pending", "delivered", "expired", "dropped", "cancelled"]))
        .option("--wait", "wait until every queued redelivery has settled (delivered, expired, dropped or cancelled), with a progress bar")
        .option("--json", "print the answer as one JSON document: count, ids, skipped pages (and settled, with --wait)")
        .option("--no-progress", "no progress bar with --wait (there is none anyway when stderr is not a terminal)"),
    ).action(async (id: string | undefined, f: Record<string, string | boolean | undefined>) => {
      const t = adminTarget(f);
      if (id) {
        const res = await adminCall(t, "POST", `/deliveries/${encodeURIComponent(id)}/redeliver`);
        const settled = f.wait ? await waitForRedeliveries(t, undefined, [res.id], f.progress !== false) : undefined;
        if (f.json)
          return void process.stdout.write(
            `${JSON.stringify({ count: 1, ids: [res.id], skipped: [], ...(settled !== undefined ? { settled } : {}) })}\n`,
          );
        return void process.stdout.write(`${settled !== undefined ? "settled" : "queued"} redelivery ${res.id}\n`);
      }
      if (typeof f.app !== "string" || typeof f.since !== "string")
        throw new Error("give a delivery id, or --app and --since (and optionally --until, --status)");
      const body: Record<string, unknown> = { app_id: f.app, since: parseTime(f.since) };
      if (typeof f.until === "string") body.until = parseTime(f.until);
      if (typeof f.status === "string") body.status = f.status;
      const res = await adminCall(t, "POST", "/redeliver", body);
      const ids: string[] = res.ids ?? [];
      const settled = f.wait && ids.length > 0 ? await waitForRedeliveries(t, f.app, ids, f.progress !== false) : f.wait ? 0 : undefined;
      if (f.json) {
        return void process.stdout.write(
          `${JSON.stringify({ count: res.count, ids, skipped: res.skipped ?? [], ...(settled !== undefined ? { settled } : {}) })}\n`,
        );
      }
      process.stdout.write(
        `${settled !== undefined ? `${settled} of ${res.count} redeliveries settled` : `queued ${res.count} redeliveries`}\n`,
      );
      for (const k of res.skipped ?? []) process.stdout.write(`skipped ${k.count} of page ${k.page_id}: ${k.reason}\n`);
    }),
  );

  cmd.addCommand(
    withAdminOptions(
      new Command("faults")
        .description("show or set fault injection for an app's subscription (off by default)")
        .requiredOption("--app <id>")
        .option("--drop <percent>", "drop this percentage of deliveries as if never sent")
        .option("--duplicate <percent>", "send this percentage of POSTs twice")
        .option("--delay <ms>", "delay first attempts by this long")
        .option("--delay-jitter <ms>", "plus a random delay up to this long")
        .option("--split", "one POST per change")
        .option("--no-split")
        .option("--reorder", "shuffle changes and POSTs")
        .option("--no-reorder")
        .option("--pack-entries", "several changes in one entry (Meta sends one per entry)")
        .option("--no-pack-entries")
        .option("--reset", "turn every fault off first")
        .addOption(jsonOption()),
    ).action(async (f: Record<string, string | boolean | undefined>) => {
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
    }),
  );

  cmd.addCommand(
    withAdminOptions(
      new Command("policy")
        .description("auto-disable an app's subscription after N hours of continuous failure (0 = never, default = server setting)")
        .requiredOption("--app <id>")
        .requiredOption("--auto-disable-hours <hours>")
        .addOption(jsonOption()),
    ).action(async (f: Record<string, string>) => {
      const res = await adminCall(adminTarget(f), "POST", `/subscriptions/${encodeURIComponent(f.app!)}/policy`, {
        auto_disable_hours: f.autoDisableHours,
      });
      process.stdout.write(`${JSON.stringify(res)}\n`);
    }),
  );

  cmd.addCommand(
    withAdminOptions(
      new Command("subscriptions").description("app subscriptions with health, faults and policy; page installs").addOption(jsonOption()),
    ).action(async (f: Record<string, unknown>) => {
      const t = adminTarget(f);
      const subs = await adminCall(t, "GET", "/subscriptions");
      const installs = await adminCall(t, "GET", "/installs");
      process.stdout.write(`${JSON.stringify({ subscriptions: subs.data, installs: installs.data }, null, 2)}\n`);
    }),
  );
  return cmd;
}
