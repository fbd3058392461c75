import { Command, Option } from "commander";
import { adminCall, adminKeyOption, urlOption } from "../http-client.ts";

interface Usage {
  page_id: string;
  page_name?: string;
  leads_90d: number;
  budget: number;
  used: number;
  call_count: number;
  limited: boolean;
  forced_until: number | null;
  estimated_time_to_regain_access: number;
  hourly?: { hour_start_iso: string; calls: number }[];
}

const line = (u: Usage) =>
  `${u.page_id}\t${u.used}/${u.budget} (${u.call_count}%)\tleads_90d=${u.leads_90d}\t${u.limited ? `LIMITED ~${u.estimated_time_to_regain_access} min` : "ok"}` +
  `${u.forced_until !== null ? `\tforced until ${new Date(u.forced_until * 1000).toISOString()}` : ""}${u.page_name ? `\t${u.page_name}` : ""}\n`;

const jsonOption = () => new Option("--json", "print the usage as one JSON document");
type Flags = { url: string; adminKey?: string; json?: boolean };
const print = (o: Flags, u: Usage) => process.stdout.write(o.json ? `${JSON.stringify(u)}\n` : line(u));

/** `leadgraph limits show [PAGE]` and `leadgraph limits force PAGE [--for 1h] [--clear]`. */
export function limitsCommand(): Command {
  const cmd = new Command("limits").description("see each page's lead rate-limit usage, or force a page into the limited state");
  cmd
    .command("show")
    .description("usage of every page, or of one page with its last 24 hours")
    .argument("[page]", "page id")
    .addOption(urlOption())
    .addOption(adminKeyOption())
    .addOption(new Option("--json", "print one JSON document: the page's usage, or {\"data\": [every page's usage]}"))
    .action(async (page: string | undefined, o: Flags) => {
      if (page) {
        const u = (await adminCall(o.url, o.adminKey, "GET", `_leadgraph/admin/limits/${encodeURIComponent(page)}`)) as Usage;
        if (o.json) return void print(o, u);
        process.stdout.write(line(u));
        for (const h of u.hourly ?? []) process.stdout.write(`  ${h.hour_start_iso}\t${h.calls}\n`);
        return;
      }
      let path: string | undefined = "_leadgraph/admin/limits?limit=100";
      const all: Usage[] = [];
      while (path) {
        const res = (await adminCall(o.url, o.adminKey, "GET", path)) as { data: Usage[]; paging?: { next?: string } };
        if (o.json) all.push(...res.data);
        else for (const u of res.data) process.stdout.write(line(u));
        path = res.paging?.next?.replace(/^\//, "");
      }
      if (o.json) process.stdout.write(`${JSON.stringify({ data: all })}\n`);
    });
  cmd
    .command("force")
    .description("put a page into the limited state (80005) for a while, or --clear it")
    .argument("<page>", "page id")
    .option("--for <duration>", "how long, e.g. 30m, 1h, 2d", "1h")
    .option("--clear", "leave the limited state now")
    .addOption(urlOption())
    .addOption(adminKeyOption())
    .addOption(jsonOption())
    .action(async (page: string, o: Flags & { for: string; clear?: boolean }) => {
      const path = `_leadgraph/admin/limits/${encodeURIComponent(page)}/force`;
      const u = (
        o.clear ? await adminCall(o.url, o.adminKey, "DELETE", path) : await adminCall(o.url, o.adminKey, "POST", path, { for: o.for })
      ) as Usage;
      print(o, u);
    });
  cmd
    .command("reset")
    .description("forget a page's counted calls (and any forced state)")
    .argument("<page>", "page id")
    .addOption(urlOption())
    .addOption(adminKeyOption())
    .addOption(jsonOption())
    .action(async (page: string, o: Flags) => {
      print(o, (await adminCall(o.url, o.adminKey, "POST", `_leadgraph/admin/limits/${encodeURIComponent(page)}/reset`)) as Usage);
    });
  return cmd;
}
